using System.Linq;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

/// <summary>The parameter kinds a training loop gives their own optimisers, and the projection after a step.</summary>
public sealed class QuantizerParametersTests
{
    [Fact]
    public void EveryParameterHasOneKindAndTheQuantisersAreNotWeights()
    {
        using var scope = NewDisposeScope();
        var lsqPlusWeight = Quant.LsqPlus(4, QuantTarget.Weights);
        var lsqPlusAct = Quant.LsqPlus(4, QuantTarget.Activations);
        var mixed = Quant.MixedPrecision(QuantTarget.Weights);
        var ebs = Quant.Ebs(QuantTarget.Weights, new[] { 2, 4 });
        var pq = Quant.ProductQuantizer(blockSize: 4, centroids: 2);
        var movement = Quant.MovementPruning(Quant.Lsq(8, QuantTarget.Weights));
        using var net = Layers.Sequential(
            Layers.Quantize(lsqPlusAct),
            Layers.Conv2d(1, 4, 3, weightQuantizer: lsqPlusWeight), Layers.BatchNorm2d(4), Layers.ReLU(),
            Layers.Conv2d(4, 4, 1, weightQuantizer: mixed), Layers.Conv2d(4, 4, 1, weightQuantizer: ebs),
            Layers.Flatten(), Layers.Linear(4 * 6 * 6, 8, weightQuantizer: pq), Layers.Linear(8, 2, weightQuantizer: movement));

        var kinds = QuantizerParameters.Classify(net);

        Assert.Equal(net.parameters().Count(), kinds.Count);
        Assert.Equal(kinds.Count, kinds.Select(k => k.Parameter).Distinct(System.Collections.Generic.ReferenceEqualityComparer.Instance).Count());
        Parameter[] scaled = { lsqPlusAct.step, lsqPlusAct.offset!, lsqPlusWeight.step, pq.codebook, ebs.Candidates[0].step, ebs.Candidates[1].step,
            ebs.alpha, ((LsqQuantizer)movement.Inner!).step };
        Parameter[] search = { mixed.step, mixed.range };
        Assert.Equal(scaled.OrderBy(Id), QuantizerParameters.OfKind(net, ParameterKind.GradientScaled).OrderBy(Id));
        Assert.Equal(search.OrderBy(Id), QuantizerParameters.OfKind(net, ParameterKind.Search).OrderBy(Id));
        Assert.Equal(new[] { movement.scores }, QuantizerParameters.OfKind(net, ParameterKind.Score));
        var weights = QuantizerParameters.OfKind(net, ParameterKind.Weight);
        Assert.Contains(weights, p => ReferenceEquals(p, ((QuantConv2d)net.Children[1]).weight));
        Assert.Equal(net.parameters().Count() - scaled.Length - search.Length - 1, weights.Count);
    }

    [Fact]
    public void StepsStayPositiveAfterAStep()
    {
        using var scope = NewDisposeScope();
        var lsq = Quant.LsqPlus(4, QuantTarget.Weights);
        using var net = Layers.Sequential(Layers.Linear(4, 2, weightQuantizer: lsq));
        lsq.Initialize(0.1);
        using (no_grad())
            lsq.step.fill_(-0.5);

        QuantizerProjection.Project(net);

        Assert.Equal(LsqQuantizer.MinStep, lsq.step.item<float>(), 12);
    }

    [Fact]
    public void WeightStepGradientsAreClippedToTheirStepAndActivationStepsAreLeft()
    {
        using var scope = NewDisposeScope();
        var weights8 = Quant.LsqPlus(8, QuantTarget.Weights);
        var weights2 = Quant.LsqPlus(2, QuantTarget.Weights);
        var ebs = Quant.Ebs(QuantTarget.Weights, new[] { 2, 8 });
        var input = Quant.LsqPlus(8, QuantTarget.Activations);
        using var net = Layers.Sequential(Layers.Quantize(input), Layers.Linear(4, 4, weightQuantizer: weights8),
            Layers.Linear(4, 4, weightQuantizer: weights2), Layers.Linear(4, 2, weightQuantizer: ebs));
        weights8.Initialize(0.005);
        weights2.Initialize(0.2);
        ebs.Candidates[1].Initialize(0.004);
        input.Initialize(0.004);
        SetGradient(weights8.step, -3.0);    // an 8-bit step's gradient 600 times the step: one SGD update at 0.01 would make it negative
        SetGradient(weights2.step, 0.05);    // within ±s: left as it is
        SetGradient(ebs.Candidates[1].step, 1.0);
        SetGradient(input.step, 1.0);

        QuantizerProjection.ClipGradients(net);

        Assert.Equal(-0.005, weights8.step.grad!.item<float>(), 6);
        Assert.Equal(0.05, weights2.step.grad!.item<float>(), 6);
        Assert.Equal(0.004, ebs.Candidates[1].step.grad!.item<float>(), 6);
        Assert.Equal(1.0, input.step.grad!.item<float>(), 6);
    }

    private static void SetGradient(Parameter p, double value)
    {
        (p * 0).sum().backward();   // allocates .grad
        using (no_grad())
            p.grad!.fill_(value);
    }

    private static int Id(Parameter p) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(p);
}
