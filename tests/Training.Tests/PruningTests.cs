using System;
using System.Linq;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

public sealed class PruningTests
{
    [Fact]
    public void CubicScheduleHoldsBeforeTheStartFallsCubicallyAndHoldsAtTheEnd()
    {
        var s = new CubicSparsitySchedule(initialKeep: 1.0, finalKeep: 0.2, startStep: 10, updates: 10, interval: 5);
        Assert.Equal(1.0, s.KeepAt(0));
        Assert.Equal(1.0, s.KeepAt(10));
        Assert.Equal(1.0, s.KeepAt(14), 12);                         // the first update is at t0 + Δt
        Assert.Equal(0.2 + 0.8 * 0.9 * 0.9 * 0.9, s.KeepAt(15), 12);
        Assert.Equal(0.2 + 0.8 * 0.125, s.KeepAt(35), 12);           // midpoint: (1/2)³
        Assert.Equal(s.KeepAt(35), s.KeepAt(39), 12);
        Assert.Equal(0.2, s.KeepAt(60), 12);
        Assert.Equal(0.2, s.KeepAt(10_000), 12);
    }

    [Fact]
    public void MasksKeepExactlyTheTopK()
    {
        using var scope = NewDisposeScope();
        using var magnitude = Quant.MagnitudePruning();
        magnitude.KeepFraction = 2.0 / 6;
        Tensor w = tensor(new float[] { -3, 1, 0.2f, -5, 4, 0.1f }).reshape(2, 3);
        TensorAssert.Close(new double[] { 0, 0, 0, 1, 1, 0 }, magnitude.Mask(w));
        TensorAssert.Close(new double[] { 0, 0, 0, -5, 4, 0 }, magnitude.forward(w));

        var movement = Quant.MovementPruning();
        using var layer = Layers.Linear(3, 2, bias: false, weightQuantizer: movement);
        using (no_grad())
            movement.scores.copy_(tensor(new float[] { 3, -1, 5, 0.5f, 2, 4 }).reshape(2, 3));
        movement.KeepFraction = 0.5;
        TensorAssert.Close(new double[] { 1, 0, 1, 0, 0, 1 }, movement.Mask());
        movement.KeepFraction = 1;
        TensorAssert.Close(Enumerable.Repeat(1.0, 6).ToArray(), movement.Mask());
        Assert.Throws<ArgumentOutOfRangeException>(() => movement.KeepFraction = 0);
    }

    [Fact]
    public void ScoreGradientIsTheOutputGradientTimesTheWeight()
    {
        using var scope = NewDisposeScope();
        var pruner = Quant.MovementPruning();
        using var layer = Layers.Linear(2, 2, bias: false, weightQuantizer: pruner);
        using (no_grad())
        {
            layer.weight.copy_(tensor(new float[] { 1, -2, 3, 0.5f }).reshape(2, 2));
            pruner.scores.copy_(tensor(new float[] { 0.1f, 0.4f, 0.3f, 0.2f }).reshape(2, 2));
        }
        pruner.KeepFraction = 0.5;   // keeps scores 0.4 and 0.3
        Tensor g = tensor(new float[] { 1, 2, -1, 0.5f }).reshape(2, 2);
        Tensor pruned = pruner.forward(layer.weight);
        TensorAssert.Close(new double[] { 0, -2, 3, 0 }, pruned);
        (pruned * g).sum().backward();

        TensorAssert.Close(new double[] { 1, -4, -3, 0.25 }, pruner.scores.grad!);   // (∂L/∂W') ⊙ W
        TensorAssert.Close(new double[] { 0, 2, -1, 0 }, layer.weight.grad!);        // (∂L/∂W') ⊙ M
        using var sgd = optim.SGD(new[] { pruner.scores }, 0.1);
        sgd.step();
        TensorAssert.Close(new double[] { 0.1 - 0.1, 0.4 + 0.4, 0.3 + 0.3, 0.2 - 0.025 }, pruner.scores, 1e-6);
    }

    [Fact]
    public void ScheduleDrivesEveryPrunerAndPrunedWeightsAreQuantisedAfterTheMask()
    {
        using var scope = NewDisposeScope();
        var lsq = Quant.Lsq(8, QuantTarget.Weights);
        var movement = Quant.MovementPruning(lsq);
        var magnitude = Quant.MagnitudePruning();
        using var net = Layers.Sequential(Layers.Linear(4, 4, weightQuantizer: movement), Layers.ReLU(), Layers.Linear(4, 2, weightQuantizer: magnitude));
        Pruning.Apply(net, new CubicSparsitySchedule(1, 0.25, 0, 1, 1), 1);
        Assert.Equal(0.25, movement.KeepFraction);
        Assert.Equal(0.25, magnitude.KeepFraction);
        Assert.Same(lsq, movement.Inner);
        Assert.Throws<ArgumentException>(() => Quant.MovementPruning(Quant.Lsq(8, QuantTarget.Activations)));
    }
}
