using System;
using System.Linq;
using Bitsmith.Training.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

/// <summary>
/// LSQ+ against hand-computed numbers (shared/PAPERS.md):
/// x̂ = round(clamp((x - β)/s, -QN, QP))·s + β; ∂x̂/∂x = 1 inside, 0 outside;
/// ∂x̂/∂s = round(u) - u inside, -QN below, QP above; ∂x̂/∂β = 0 inside, 1 where clipped;
/// both scaled by 1/sqrt(N·QP).
/// </summary>
public sealed class LsqPlusQuantizerTests
{
    [Fact]
    public void UnsignedActivationForwardAndGradients()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.LsqPlus(2, QuantTarget.Activations);   // unsigned: QN = 0, QP = 3
        q.Initialize(0.5, -0.5);
        Tensor x = tensor(new[] { -1.25f, -0.35f, 0.05f, 0.35f, 1.75f }, new long[] { 1, 5 }).requires_grad_();
        Tensor upstream = arange(1, 6, dtype: ScalarType.Float32);

        Tensor y = q.call(x);
        (y * upstream).sum().backward();

        // u = (x + 0.5) / 0.5 = [-1.5, 0.3, 1.1, 1.7, 4.5]; levels [0, 0, 1, 2, 3].
        TensorAssert.Close(new[] { -0.5, -0.5, 0.0, 0.5, 1.0 }, y);
        TensorAssert.Close(new[] { 0.0, 0, 1, 2, 3 }, q.quantize(x));
        TensorAssert.Close(new[] { 0.0, 2, 3, 4, 0 }, x.grad!);
        // ∂/∂s: -QN = 0, 0 - 0.3, 1 - 1.1, 2 - 1.7, QP = 3; weighted: -0.6 - 0.3 + 1.2 + 15 = 15.3.
        // ∂/∂β: 1 for the two clipped elements, weights 1 and 5. N = 5 features, QP = 3.
        TensorAssert.Close(15.3 / Math.Sqrt(5 * 3), q.step.grad!, 1e-5);
        TensorAssert.Close(6.0 / Math.Sqrt(5 * 3), q.offset!.grad!, 1e-5);
    }

    [Fact]
    public void SignedActivationForwardAndGradients()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.LsqPlus(3, QuantTarget.Activations, signed: true);   // QN = 4, QP = 3
        q.Initialize(1.0, 1.0);
        Tensor x = tensor(new[] { -4.5f, -0.7f, 1.0f, 2.5f, 9.5f }, new long[] { 1, 5 }).requires_grad_();
        Tensor upstream = arange(1, 6, dtype: ScalarType.Float32);

        Tensor y = q.call(x);
        (y * upstream).sum().backward();

        // u = x - 1 = [-5.5, -1.7, 0, 1.5, 8.5]; levels [-4, -2, 0, 2, 3] (1.5 rounds to even 2).
        TensorAssert.Close(new[] { -3.0, -1.0, 1.0, 3.0, 4.0 }, y);
        TensorAssert.Close(new[] { 0.0, 2, 3, 4, 0 }, x.grad!);
        // ∂/∂s: -4, -2 + 1.7, 0, 2 - 1.5, 3; weighted: -4 - 0.6 + 0 + 2 + 15 = 12.4.
        TensorAssert.Close(12.4 / Math.Sqrt(5 * 3), q.step.grad!, 1e-5);
        TensorAssert.Close(6.0 / Math.Sqrt(5 * 3), q.offset!.grad!, 1e-5);
    }

    [Fact]
    public void WeightsAreSymmetricWithoutOffset()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.LsqPlus(3, QuantTarget.Weights);
        q.Initialize(0.5);
        Tensor w = tensor(new[] { -3.0f, -1.3f, 0.3f, 2.0f }).requires_grad_();

        Tensor y = q.call(w);
        y.sum().backward();

        Assert.Null(q.offset);
        Assert.Equal(new[] { "step" }, q.named_parameters().Select(p => p.name).ToArray());
        TensorAssert.Close(new[] { -2.0, -1.5, 0.5, 1.5 }, y);
        // ∂/∂s: -4, 2.6 - 3, -0.6 + 1, 3: sum -1.0; N = 4 weights, QP = 3.
        TensorAssert.Close(-1.0 / Math.Sqrt(4 * 3), q.step.grad!, 1e-5);
        Assert.Throws<ArgumentException>(() => Quant.LsqPlus(4, QuantTarget.Weights, signed: false));
    }

    [Fact]
    public void WeightStepFollowsTheThreeSigmaRule()
    {
        using var scope = NewDisposeScope();
        using var symmetric = Quant.LsqPlus(3, QuantTarget.Weights);
        using var shifted = Quant.LsqPlus(4, QuantTarget.Weights);

        // μ = 0, sample variance (9 + 1 + 1 + 9) / 3; s = 3σ / 2^(3-1).
        symmetric.InitializeFrom(tensor(new[] { -3f, -1f, 1f, 3f }));
        // μ = 2.5, sample variance (2.25 + 0.25 + 0.25 + 2.25) / 3; s = (μ + 3σ) / 2^(4-1).
        shifted.InitializeFrom(tensor(new[] { 1f, 2f, 3f, 4f }));

        Assert.Equal(3 * Math.Sqrt(20.0 / 3) / 4, symmetric.StepValue, 6);
        Assert.Equal((2.5 + 3 * Math.Sqrt(5.0 / 3)) / 8, shifted.StepValue, 6);
    }

    [Fact]
    public void ActivationInitIsExactOnDataThatLiesOnAGrid()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.LsqPlus(2, QuantTarget.Activations);   // levels 0..3
        Tensor x = tensor(new[] { -1f, 0f, 1f, 2f, 2f, -1f, 0f, 1f }, new long[] { 2, 4 });

        q.InitializeFrom(x);

        Assert.Equal(1.0, q.StepValue, 9);
        Assert.Equal(-1.0, q.OffsetValue, 9);
        TensorAssert.Close(x.data<float>().Select(v => (double)v).ToArray(), q.call(x), 0);
    }

    [Fact]
    public void ActivationInitMinimisesTheSquaredError()
    {
        using var scope = NewDisposeScope();
        // 999 values spread over [0, 1] (denser near 0) and one outlier at 20, 3 bits unsigned.
        double[] values = Enumerable.Range(0, 999).Select(i => Math.Pow(i / 998.0, 2)).Append(20.0).ToArray();
        var range = new QuantRange(3, signed: false);
        using var q = Quant.LsqPlus(3, QuantTarget.Activations);

        q.InitializeFrom(tensor(values.Select(v => (float)v).ToArray(), new long[] { 10, 100 }));
        double found = Mse(values, q.StepValue, q.OffsetValue, range);

        // Min-max init: s = 20 / 7, β = 0.
        double minMax = Mse(values, 20.0 / 7, 0, range);
        // Brute force over clipping ranges [a, b] on a 240 x 240 grid of [min, max].
        double best = double.PositiveInfinity;
        for (int i = 0; i < 240; i++)
            for (int j = i + 1; j <= 240; j++)
            {
                double a = 20.0 * i / 240, b = 20.0 * j / 240, s = (b - a) / range.Steps;
                best = Math.Min(best, Mse(values, s, a + range.QN * s, range));
            }

        Assert.True(found < minMax / 2, $"min-MSE {found} vs min-max {minMax}");
        Assert.True(found <= best * 1.001, $"min-MSE {found} vs brute force {best} (s {q.StepValue}, β {q.OffsetValue})");
    }

    [Fact]
    public void ActivationInitOfAConstantTensorIsExact()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.LsqPlus(4, QuantTarget.Activations);

        q.InitializeFrom(full(new long[] { 3, 3 }, 0.75f));

        TensorAssert.Close(Enumerable.Repeat(0.75, 9).ToArray(), q.call(full(new long[] { 3, 3 }, 0.75f)), 1e-7);
    }

    [Fact]
    public void TheOffsetIsTrainedOnTheZeroPointGridSoRoundingItChangesNothing()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.LsqPlus(4, QuantTarget.Activations);
        q.Initialize(0.5, -0.8);   // β / s = -1.6: used as -2 steps, β̃ = -1.0
        Tensor x = tensor(new[] { -1.2f, -0.3f, 0.1f, 2.0f, 7.5f }, new long[] { 1, 5 }).requires_grad_();

        Tensor y = q.call(x);
        y.sum().backward();

        // u = (x + 1) / 0.5 = [-0.4, 1.4, 2.2, 6, 17] → levels [0, 1, 2, 6, 15]; x̂ = level · 0.5 - 1.
        TensorAssert.Close(new[] { -1.0, -0.5, 0.0, 2.0, 6.5 }, y);
        // Straight-through into β: 1 where clipped (the first and last element), scaled by g.
        TensorAssert.Close(2.0 / Math.Sqrt(5 * 15), q.offset!.grad!, 1e-6);
        TensorAssert.Close(new[] { 0.0, 1, 2, 6, 15 }, q.quantize(x));
        q.RoundOffsetToStep();
        Assert.Equal(-1.0, q.OffsetValue, 6);
        TensorAssert.Close(new[] { -1.0, -0.5, 0.0, 2.0, 6.5 }, q.call(x));
    }

    [Fact]
    public void ActivationInitSamplesTheWholeBatchNotAStride()
    {
        using var scope = NewDisposeScope();
        // Every 4th value small, the rest 1: a stride of 4 (the batch is 4x the sample) would see only the small ones.
        int n = 4 * (1 << 14);
        Tensor x = tensor(Enumerable.Range(0, n).Select(i => i % 4 == 0 ? 0.1f * (i % 7) / 7 : 1f).ToArray(), new long[] { 1, n });
        using var q = Quant.LsqPlus(4, QuantTarget.Activations);

        q.InitializeFrom(x);
        q.eval();

        Assert.True((q.call(x) - x).square().mean().item<float>() < 1e-3);
    }

    private static double Mse(double[] x, double s, double beta, QuantRange range)
    {
        double sum = 0;
        foreach (double v in x)
        {
            double level = Math.Clamp(Math.Round((v - beta) / s, MidpointRounding.ToEven), -range.QN, range.QP);
            double d = level * s + beta - v;
            sum += d * d;
        }
        return sum / x.Length;
    }
}
