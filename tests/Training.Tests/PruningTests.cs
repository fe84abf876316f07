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

    [Fact]
    public void SoftMovementKeepsWhatPassesTheScheduledThresholdAndItsScoresLearnStraightThrough()
    {
        using var scope = NewDisposeScope();
        var soft = Quant.SoftMovementPruning();
        using var net = Layers.Sequential(Layers.Linear(4, 2, bias: false, weightQuantizer: soft));
        using (no_grad())
        {
            net.parameters().First().copy_(tensor(new float[] { 1, -2, 3, -4, 5, -6, 7, -8 }).reshape(2, 4));
            soft.scores.copy_(tensor(new float[] { -3, -1, 0, 1, 2, 3, -0.5f, 0.5f }).reshape(2, 4));
        }
        var schedule = new CubicSparsitySchedule(1.0, 0.5, startStep: 0, updates: 2, interval: 1);

        Pruning.Apply(net, schedule, 0, finalThreshold: 0.6);
        Assert.Equal(0.0, soft.Threshold);                          // not started: τ = 0 keeps every σ(S) > 0
        Assert.Equal(1.0, soft.KeepFraction);
        Pruning.Apply(net, schedule, 2, finalThreshold: 0.6);
        Assert.Equal(0.6, soft.Threshold, 12);                      // done: the final τ
        // σ(S) > 0.6 ⇔ S > 0.405: the scores 1, 2, 3 and 0.5.
        TensorAssert.Close(new double[] { 0, 0, 0, 1, 1, 1, 0, 1 }, soft.Mask().flatten());
        Assert.Equal(0.5, soft.KeepFraction, 12);
        Assert.Throws<InvalidOperationException>(() => soft.KeepFraction = 0.5);

        Tensor x = ones(1, 4);
        Tensor y = net.forward(x);
        TensorAssert.Close(new double[] { -4, 5 - 6 - 8 }, y.flatten());
        y.sum().backward();
        // ∂L/∂S = ∂L/∂W' ⊙ W, kept or not: ∂L/∂W' = x for every weight here.
        TensorAssert.Close(new double[] { 1, -2, 3, -4, 5, -6, 7, -8 }, soft.scores.grad!.flatten());

        Tensor penalty = Pruning.SoftPenalty(net);
        Assert.Equal(new[] { -3.0, -1, 0, 1, 2, 3, -0.5, 0.5 }.Average(v => 1 / (1 + Math.Exp(-v))), penalty.item<float>(), 5);
        Assert.Contains(QuantizerParameters.OfKind(net, ParameterKind.Score), p => ReferenceEquals(p, soft.scores));
    }
}
