using System;
using System.Linq;
using Bitsmith.Compiler.Onnx;
using Bitsmith.Training.Export;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

/// <summary>
/// Learned mixed precision (Uhlich et al.) against hand-computed numbers:
/// x̂ = d·round(clip(x, -q_max, q_max)/d); b = ceil(log2(round(q_max/d) + 1)) + 1; ∂/∂d = round(x/d) - x/d
/// inside (round(±q_max/d) ∓ q_max/d outside), ∂/∂q_max = sign(x) outside.
/// </summary>
public sealed class MixedPrecisionQuantizerTests
{
    // d = 0.5, q_max = 1.2: clip → [-1.2, -1.2, -0.2, 0, 0.3, 0.8, 1.1, 1.2], /d → [-2.4, -2.4, -0.4, 0, 0.6, 1.6, 2.2, 2.4].
    private static readonly float[] Values = { -3.0f, -1.3f, -0.2f, 0.0f, 0.3f, 0.8f, 1.1f, 2.0f };

    private static MixedPrecisionQuantizer Make(double d, double qmax, QuantTarget target = QuantTarget.Weights)
    {
        var q = Quant.MixedPrecision(target);
        q.Initialize(d, qmax);
        return q;
    }

    [Fact]
    public void ForwardClipsRoundsAndDerivesBits()
    {
        using var scope = NewDisposeScope();
        using var q = Make(0.5, 1.2);

        TensorAssert.Close(new[] { -1.0, -1, 0, 0, 0.5, 1, 1, 1 }, q.call(tensor(Values)));
        TensorAssert.Close(new[] { -2.0, -2, 0, 0, 1, 2, 2, 2 }, q.quantize(tensor(Values)));
        // log2(1.2/0.5 + 1) = log2(3.4) = 1.77 → 2, + 1 (signed) = 3.
        Assert.Equal(3, q.Bits);
        Assert.Equal(new QuantRange(3, signed: true), q.Range);
        TensorAssert.Close(3.0, q.bitwidth());
        // Unsigned: clip to [0, q_max], no sign bit.
        using var a = Make(0.5, 1.2, QuantTarget.Activations);
        TensorAssert.Close(new[] { 0.0, 0, 0, 0, 0.5, 1, 1, 1 }, a.call(tensor(Values)));
        Assert.Equal(2, a.Bits);
    }

    [Fact]
    public void GradientsOfValueStepAndRange()
    {
        using var scope = NewDisposeScope();
        using var q = Make(0.5, 1.2);
        Tensor x = tensor(Values).requires_grad_();
        Tensor upstream = arange(1, 9, dtype: ScalarType.Float32);

        (q.call(x) * upstream).sum().backward();

        TensorAssert.Close(new[] { 0.0, 0, 3, 4, 5, 6, 7, 0 }, x.grad!);
        // ∂/∂d: outside below round(-2.4) + 2.4 = 0.4 (twice), inside 0.4, 0, 0.4, 0.4, -0.2, outside above 2 - 2.4 = -0.4.
        // Weighted by 1..8: 0.4 + 0.8 + 1.2 + 0 + 2 + 2.4 - 1.4 - 3.2 = 2.2.
        TensorAssert.Close(2.2, q.step.grad!, 1e-5);
        // ∂/∂q_max: sign(x) outside: -1·1 - 1·2 + 1·8 = 5.
        TensorAssert.Close(5.0, q.range.grad!, 1e-5);
    }

    [Fact]
    public void BitwidthGradientIsThatOfTheRealValue()
    {
        using var scope = NewDisposeScope();
        using var q = Make(0.5, 1.2);
        q.bitwidth().sum().backward();
        // b = log2(q_max/d + 1) + 1: ∂b/∂q_max = 1/((q_max + d) ln 2), ∂b/∂d = -q_max/(d (q_max + d) ln 2).
        TensorAssert.Close(1 / (1.7 * Math.Log(2)), q.range.grad!, 1e-5);
        TensorAssert.Close(-1.2 / (0.5 * 1.7 * Math.Log(2)), q.step.grad!, 1e-5);
    }

    [Fact]
    public void ParametersAreClippedAsTheOfficialImplementation()
    {
        using var scope = NewDisposeScope();
        using var q = Make(1000, 0.0001);
        Assert.Equal(256, q.StepValue, 9);
        Assert.Equal(0.001, q.RangeValue, 9);
        Assert.Equal(2, q.Bits);
        Tensor x = tensor(new[] { -1f, 0.0005f, 1f }).requires_grad_();
        q.call(x).sum().backward();
        // Both parameters sit outside their bounds: no gradient reaches them.
        TensorAssert.Close(0.0, q.step.grad!);
        TensorAssert.Close(0.0, q.range.grad!);
    }

    [Fact]
    public void PowerOfTwoStepRoundsTheLogarithm()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.MixedPrecision(QuantTarget.Weights, powerOfTwoStep: true);
        q.Initialize(0.3, 1.0);   // log2(0.3) = -1.74 → -2: d = 0.25
        Assert.Equal(0.25, q.StepValue, 9);
        TensorAssert.Close(new[] { 0.25, 0.5, -1.0 }, q.call(tensor(new[] { 0.3f, 0.6f, -2f })));
    }

    [Fact]
    public void InitialisesFromDataAtTheInitialBitwidth()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.MixedPrecision(QuantTarget.Weights, initialBits: 4);
        q.train();
        q.call(tensor(new[] { 0.5f, -1.4f, 0.7f }));
        Assert.Equal(1.4, q.RangeValue, 6);
        Assert.Equal(0.2, q.StepValue, 6);   // 1.4 / QP(4 bits) = 1.4 / 7
        Assert.Equal(4, q.Bits);
        Assert.Equal(3, q.ElementCount);
    }

    [Fact]
    public void SnapRangeToGridKeepsTheBitsAndMatchesTheExportersClip()
    {
        using var scope = NewDisposeScope();
        using var q = Make(0.5, 1.2);   // 3 bits, QP = 3
        q.SnapRangeToGrid();
        Assert.Equal(1.5, q.RangeValue, 6);
        Assert.Equal(3, q.Bits);
        Assert.Equal(-3, q.LowestLevel);   // symmetric: never -QN = -4
        // The exporter's form clip(round(x/d), LowestLevel, QP) · d now equals the forward: [-4.8, -3.2, 0.6, 2.6, 3.6] → [-3, -3, 1, 3, 3].
        Tensor x = tensor(new[] { -2.4f, -1.6f, 0.3f, 1.3f, 1.8f });
        TensorAssert.Close(new[] { -1.5, -1.5, 0.5, 1.5, 1.5 }, q.call(x));
        TensorAssert.Close(new[] { -3.0, -3, 1, 3, 3 }, q.quantize(x));
    }

    [Fact]
    public void FullGridAddsTheLowestLevelTheBitsStore()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.MixedPrecision(QuantTarget.Weights, fullGrid: true);
        q.Initialize(0.5, 1.2);
        // Clip below at -(q_max + d) = -1.7: /d → [-3.4, -2.6, -0.4, 0, 0.6, 1.6, 2.2, 2.4].
        TensorAssert.Close(new[] { -3.0, -3, 0, 0, 1, 2, 2, 2 }, q.quantize(tensor(Values)));
        TensorAssert.Close(new[] { -1.5, -1.5, 0, 0, 0.5, 1, 1, 1 }, q.call(tensor(Values)));
        Assert.Equal(3, q.Bits);   // the bits are derived from q_max / d as on the symmetric grid

        q.SnapRangeToGrid();       // q_max = QP · d = 1.5: the clip below is -2 = -QN · d
        Assert.Equal(-4, q.LowestLevel);
        TensorAssert.Close(new[] { -4.0, 3 }, q.quantize(tensor(new[] { -9f, 9f })));

        // At 2 bits: four levels {-2d, -d, 0, d} where the symmetric grid has three.
        using var two = Quant.MixedPrecision(QuantTarget.Weights, fullGrid: true);
        two.Initialize(0.5, 0.5);
        two.SnapRangeToGrid();
        Assert.Equal(2, two.Bits);
        TensorAssert.Close(new[] { -2.0, -1, 0, 1 }, two.quantize(tensor(new[] { -3f, -0.6f, 0.1f, 3f })));

        // The gradient of q_max outside below: the clip -(q_max + d) moves with it.
        using var g = Quant.MixedPrecision(QuantTarget.Weights, fullGrid: true);
        g.Initialize(0.5, 1.2);
        Tensor x = tensor(new[] { -3f, 2f }).requires_grad_();
        g.call(x).sum().backward();
        TensorAssert.Close(0.0, g.range.grad!, 1e-5);   // -1 below, +1 above
    }

    [Fact]
    public void BitsCountTheLevelsOfTheRangeRoundedToTheStep()
    {
        using var scope = NewDisposeScope();
        // q_max / d = 3.2: the forward's largest level is round(3.2) = 3, which 3 signed bits hold;
        // log2(3.2 + 1) of the raw range would have said 4.
        using var q = Make(0.5, 1.6);
        Assert.Equal(3, q.Bits);
        TensorAssert.Close(3.0, q.bitwidth());
        TensorAssert.Close(new[] { -3.0, 3 }, q.quantize(tensor(new[] { -9f, 9f })));
        Assert.Equal(3, MixedPrecisionQuantizer.DeriveBits(0.5, 1.6, signed: true));
        Assert.Equal(4, MixedPrecisionQuantizer.DeriveBits(0.5, 1.8, signed: true));   // round(3.6) = 4 levels
    }

    [Fact]
    public void TrainingWithTheSnapIsTheFunctionTheSnapFixes()
    {
        using var scope = NewDisposeScope();
        using var q = Make(0.5, 1.2);   // 3 bits: the grid's top is QP · d = 1.5
        q.train();
        Tensor x = tensor(Values).requires_grad_();
        Tensor unsnapped = q.call(x).detach();
        q.SnapsToGrid = true;
        Tensor y = q.call(x);
        (y * arange(1, 9, dtype: ScalarType.Float32)).sum().backward();
        Assert.False(y.detach().eq(unsnapped).all().item<bool>());               // clips at 1.5, not 1.2
        Assert.True(q.range.grad is not null && q.range.grad.item<float>() != 0);   // straight-through into q_max

        Tensor trained = y.detach();
        q.SnapRangeToGrid();
        Assert.False(q.SnapsToGrid);
        Assert.True(q.call(tensor(Values)).eq(trained).all().item<bool>());
    }

    [Fact]
    public void GradientsAreClippedToTheStepAndParametersProjectedIntoTheirBounds()
    {
        using var scope = NewDisposeScope();
        using var q = Make(0.25, 1.0);
        q.train();
        (q.call(tensor(Values)) * arange(1, 9, dtype: ScalarType.Float32) * 1000).sum().backward();
        Assert.True(q.range.grad!.abs().item<float>() > 0.25f);
        q.ClipGradients();
        Assert.InRange(q.step.grad!.item<float>(), -0.25f, 0.25f);
        Assert.InRange(q.range.grad!.item<float>(), -0.25f, 0.25f);

        using (no_grad())
        {
            q.step.fill_(1000);
            q.range.fill_(-3);
        }
        q.ProjectToBounds();
        Assert.Equal(MixedPrecisionQuantizer.MaxStep, q.step.item<float>());
        Assert.Equal(MixedPrecisionQuantizer.MinRange, q.range.item<float>(), 6);
    }

    [Fact]
    public void SnapRangeToGridStaysWithinTheRangeBound()
    {
        using var scope = NewDisposeScope();
        using var q = Make(0.1, 9.95);   // log2(100.5) → 7, + 1 = 8 bits; QP · d = 12.7 > 10
        Assert.Equal(8, q.Bits);
        q.SnapRangeToGrid();
        Assert.Equal(7, q.Bits);          // QP = 63: 6.3 ≤ 10
        Assert.Equal(6.3, q.RangeValue, 5);
    }

    [Fact]
    public void WeightMemoryPenalty()
    {
        using var scope = NewDisposeScope();
        using var q1 = Make(0.5, 1.2);    // 3 bits
        using var q2 = Make(0.25, 1.0);   // log2(5) = 2.32 → 3, + 1 = 4 bits
        q1.call(zeros(8));
        q2.call(zeros(4, 4));

        Tensor bytes = MemoryRegularizer.WeightBytes(new[] { q1, q2 });
        TensorAssert.Close((8 * 3 + 16 * 4) / 8.0, bytes);   // 11 bytes
        TensorAssert.Close(0.0, MemoryRegularizer.Penalty(bytes, 12, 0.5));

        MemoryRegularizer.Penalty(bytes, 10, 0.5).sum().backward();
        // 0.5 · (11 - 10)² = 0.5; ∂/∂q_max1 = λ · 2 (S - S0) · N1/8 · ∂b1/∂q_max1 = 1 / (1.7 ln 2).
        TensorAssert.Close(0.5, MemoryRegularizer.Penalty(MemoryRegularizer.WeightBytes(new[] { q1, q2 }), 10, 0.5));
        TensorAssert.Close(1 / (1.7 * Math.Log(2)), q1.range.grad!, 1e-5);
        TensorAssert.Close(2 / (1.25 * Math.Log(2)), q2.range.grad!, 1e-5);   // 0.5·2·1·(16/8)/((1 + 0.25) ln 2)
    }

    [Fact]
    public void TargetPenaltyPullsFromBothSidesWhereTheBudgetPenaltyStopsAtTheBudget()
    {
        using var scope = NewDisposeScope();
        using var ebs = Quant.Ebs(QuantTarget.Weights, new[] { 2, 8 });   // α = 0: E[b] = 5
        Tensor bytes = ebs.expectedBitwidth() * (16 / 8.0);               // 16 weights: 10 expected bytes

        TensorAssert.Close(0.0, MemoryRegularizer.Penalty(bytes, 12, 0.5));
        Tensor below = MemoryRegularizer.TargetPenalty(bytes, 12, 0.5);
        TensorAssert.Close(2.0, below);   // 0.5 · (10 - 12)²
        TensorAssert.Close(2.0, MemoryRegularizer.TargetPenalty(bytes, 8, 0.5));
        below.sum().backward();
        // ∂/∂α_8 = λ · 2 (S - S0) · 2 bytes/bit · p_8 (8 - E[b]) = 0.5 · 2 · (-2) · 2 · 0.5 · 3 = -6: descent raises the 8-bit strength.
        TensorAssert.Close(new[] { 6.0, -6.0 }, ebs.alpha.grad!, 1e-5);
    }

    [Fact]
    public void ActivationMemoryPenaltyTakesTheLargestTensor()
    {
        using var scope = NewDisposeScope();
        using var a1 = Make(0.5, 1.2, QuantTarget.Activations);   // unsigned: log2(3.4) → 2 bits
        using var a2 = Make(0.1, 1.0, QuantTarget.Activations);   // log2(11) = 3.46 → 4 bits
        a1.call(zeros(2, 4));   // 4 per sample: 8 bits = 1 byte
        a2.call(zeros(2, 3));   // 3 per sample: 12 bits = 1.5 bytes

        Tensor bytes = MemoryRegularizer.ActivationBytes(new[] { a1, a2 });
        TensorAssert.Close(1.5, bytes);
        Tensor penalty = MemoryRegularizer.Penalty(bytes, 1.0, 2.0);
        TensorAssert.Close(0.5, penalty);
        penalty.sum().backward();
        // Only the largest tensor's quantiser: 2 · 2 · 0.5 · 3/8 / ((1 + 0.1) ln 2).
        TensorAssert.Close(0.75 / (1.1 * Math.Log(2)), a2.range.grad!, 1e-5);
        Assert.True(a1.range.grad is null || a1.range.grad.abs().sum().item<float>() == 0);
    }

    [Fact]
    public void ExportsAsAUniformWeightQuantizer()
    {
        using var scope = NewDisposeScope();
        var q = Quant.MixedPrecision(QuantTarget.Weights);
        using var net = Layers.Sequential(Layers.Linear(4, 3, weightQuantizer: q));
        net.train();
        net.call(ones(1, 4));
        q.Initialize(q.StepValue, 3 * q.StepValue);   // 3 steps: log2(4) = 2, + 1 = 3 bits

        ModelProto model = OnnxExporter.Export(net, 4);
        var w = model.Graph.Initializer.Single(t => t.Name.EndsWith("_w", StringComparison.Ordinal));
        Assert.Equal((int)TensorProto.Types.DataType.Int4, w.DataType);
        var scale = model.Graph.Initializer.Single(t => t.Name.EndsWith("_w_scale", StringComparison.Ordinal));
        Assert.Equal((float)q.StepValue, BitConverter.ToSingle(scale.RawData.ToByteArray(), 0), 6);
    }
}
