using System;
using System.Linq;
using Bitsmith.Training.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

/// <summary>
/// LSQ against hand-computed numbers (shared/PAPERS.md):
/// v̂ = round(clip(v/s, -QN, QP))·s; ∂v̂/∂v = 1 inside, 0 outside; ∂v̂/∂s = -v/s + round(v/s)
/// inside, -QN below, QP above; gradient of s scaled by 1/sqrt(N·QP).
/// </summary>
public sealed class LsqQuantizerTests
{
    // 3-bit signed: QN = 4, QP = 3; s = 0.5, so v/s = [-6, -2.6, -0.4, 0, 0.6, 1.6, 2.4, 4].
    private static readonly float[] Values = { -3.0f, -1.3f, -0.2f, 0.0f, 0.3f, 0.8f, 1.2f, 2.0f };

    [Fact]
    public void Range()
    {
        Assert.Equal((4, 3), (new QuantRange(3, signed: true).QN, new QuantRange(3, signed: true).QP));
        Assert.Equal((0, 15), (new QuantRange(4, signed: false).QN, new QuantRange(4, signed: false).QP));
        Assert.Equal((128, 127), (new QuantRange(8, signed: true).QN, new QuantRange(8, signed: true).QP));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantRange(1, signed: true));
    }

    [Fact]
    public void ForwardClipsAndRounds()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.Lsq(3, QuantTarget.Weights);
        q.Initialize(0.5);

        // clip: [-4, -2.6, -0.4, 0, 0.6, 1.6, 2.4, 3]; round: [-4, -3, 0, 0, 1, 2, 2, 3]; times 0.5:
        TensorAssert.Close(new[] { -2.0, -1.5, 0.0, 0.0, 0.5, 1.0, 1.0, 1.5 }, q.call(tensor(Values)));
        TensorAssert.Close(new[] { -4.0, -3, 0, 0, 1, 2, 2, 3 }, q.quantize(tensor(Values)));
    }

    [Fact]
    public void ForwardRoundsHalfToEven()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.Lsq(3, QuantTarget.Weights);
        q.Initialize(0.5);

        // v/s = [0.5, 1.5, 2.5, -0.5, -1.5] rounds to [0, 2, 2, 0, -2].
        TensorAssert.Close(new[] { 0.0, 1.0, 1.0, 0.0, -1.0 }, q.call(tensor(new[] { 0.25f, 0.75f, 1.25f, -0.25f, -0.75f })), 0);
    }

    [Fact]
    public void GradientsOfValueAndStep()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.Lsq(3, QuantTarget.Weights);
        q.Initialize(0.5);
        Tensor v = tensor(Values).requires_grad_();
        Tensor upstream = arange(1, 9, dtype: ScalarType.Float32);   // 1..8, to tell elements apart

        (q.call(v) * upstream).sum().backward();

        // ∂v̂/∂v: 0 for the clipped first and last element, 1 elsewhere; times the upstream weights.
        TensorAssert.Close(new[] { 0.0, 2, 3, 4, 5, 6, 7, 0 }, v.grad!);
        // ∂v̂/∂s per element: -4 (below), 2.6-3 = -0.4, 0.4-0 = 0.4, 0, -0.6+1 = 0.4, -1.6+2 = 0.4,
        // -2.4+2 = -0.4, 3 (above). Weighted by 1..8: -4 - 0.8 + 1.2 + 0 + 2 + 2.4 - 2.8 + 24 = 22.
        // Gradient scale: N = 8 weights, QP = 3.
        TensorAssert.Close(22.0 / Math.Sqrt(8 * 3), q.step.grad!, 1e-5);
    }

    [Fact]
    public void ActivationGradientScaleCountsFeaturesPerSample()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.Lsq(2, QuantTarget.Activations);   // unsigned: QN = 0, QP = 3
        q.Initialize(1.0);
        Tensor x = tensor(new[] { -0.7f, 0.4f, 1.6f, 5.0f }, new long[] { 2, 2 }).requires_grad_();

        Tensor y = q.call(x);
        y.sum().backward();

        TensorAssert.Close(new[] { 0.0, 0, 2, 3 }, y);
        TensorAssert.Close(new[] { 0.0, 1, 1, 0 }, x.grad!);
        // ∂/∂s: -QN = 0 (below), 0 - 0.4, 2 - 1.6, QP = 3 (above): sum 3; N = 2 features per sample.
        TensorAssert.Close(3.0 / Math.Sqrt(2 * 3), q.step.grad!, 1e-5);
    }

    [Fact]
    public void InitialStepIsTwiceMeanMagnitudeOverRootQP()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.Lsq(3, QuantTarget.Weights);

        q.InitializeFrom(tensor(new[] { -3f, -1f, 1f, 3f }));   // mean |v| = 2, QP = 3

        Assert.True(q.IsInitialized);
        Assert.Equal(4 / Math.Sqrt(3), q.StepValue, 6);
    }

    [Fact]
    public void FirstTrainingForwardInitialisesTheStep()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.Lsq(3, QuantTarget.Weights);
        q.eval();
        Assert.Throws<InvalidOperationException>(() => q.call(tensor(Values)));

        q.train();
        q.call(tensor(new[] { -3f, -1f, 1f, 3f }));
        q.call(tensor(new[] { 30f, 10f }));                    // a second call does not re-initialise

        Assert.Equal(4 / Math.Sqrt(3), q.StepValue, 6);
    }

    [Fact]
    public void StepIsTheOnlyParameterAndSurvivesSaveAndLoad()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.Lsq(4, QuantTarget.Activations);
        q.Initialize(0.125);

        Assert.Equal(new[] { "step" }, q.named_parameters().Select(p => p.name).ToArray());
        var saved = new System.IO.MemoryStream();
        q.save(saved);                                           // closes the stream
        using var reloaded = Quant.Lsq(4, QuantTarget.Activations);
        reloaded.load(new System.IO.MemoryStream(saved.ToArray()));

        Assert.True(reloaded.IsInitialized);
        Assert.Equal(0.125, reloaded.StepValue);
    }

    [Fact]
    public void LearnsAStepThatLowersTheQuantisationError()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.Lsq(4, QuantTarget.Weights);
        Tensor w = linspace(-1, 1, 201);
        Tensor w3 = w * w * w;                                   // more mass near zero
        q.Initialize(0.5);                                       // far too coarse for 4 bits
        using var optimizer = optim.Adam(q.parameters(), lr: 0.01);

        double Error()
        {
            using var _ = NewDisposeScope();
            using var noGrad = no_grad();
            return (q.call(w3) - w3).square().mean().item<float>();
        }

        double before = Error();
        for (int i = 0; i < 200; i++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            (q.call(w3) - w3).square().mean().backward();
            optimizer.step();
        }

        Assert.True(Error() < before / 4, $"error {before} -> {Error()}, step {q.StepValue}");
        Assert.InRange(q.StepValue, 0.01, 0.3);
    }
}
