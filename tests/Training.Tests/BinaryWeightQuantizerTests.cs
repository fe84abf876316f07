using Bitsmith.Training.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

/// <summary>
/// Binary weights against hand-computed numbers: ŵ = s·sign(w), s = mean|w|, sign(0) = +1;
/// ∂ŵ_i/∂w_j = s·δ_ij + sign(w_i)·∂|w_j|/∂w_j / n (the last 0 at w_j = 0).
/// </summary>
public sealed class BinaryWeightQuantizerTests
{
    // mean|w| = (0.4 + 0.2 + 0 + 0.6) / 4 = 0.3; signs [-1, 1, 1, 1].
    private static readonly float[] Weights = { -0.4f, 0.2f, 0.0f, 0.6f };

    [Fact]
    public void ForwardIsScaledSign()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.BinaryWeights();
        Assert.False(q.IsInitialized);
        TensorAssert.Close(new[] { -0.3, 0.3, 0.3, 0.3 }, q.call(tensor(Weights)));
        TensorAssert.Close(new[] { -1.0, 1, 1, 1 }, q.quantize(tensor(Weights)));
        Assert.Equal(0.3, q.StepValue, 6);
        Assert.Equal((2, -1L), (q.Range.Bits, q.LowestLevel));
    }

    [Fact]
    public void GradientIsStraightThroughPlusScale()
    {
        using var scope = NewDisposeScope();
        using var q = Quant.BinaryWeights();
        Tensor w = tensor(Weights).requires_grad_();
        // L = Σ g_i ŵ_i with g = [1, 2, 3, 4]: ∂L/∂w_j = s·g_j + ∂|w_j|/∂w_j · Σ_i g_i sign(w_i) / n
        //   Σ g_i sign(w_i) = -1 + 2 + 3 + 4 = 8, / n = 2; ∂|w|/∂w = 0 at w = 0;
        //   so [0.3 - 2, 0.6 + 2, 0.9, 1.2 + 2].
        (q.call(w) * tensor(new float[] { 1, 2, 3, 4 })).sum().backward();
        TensorAssert.Close(new[] { -1.7, 2.6, 0.9, 3.2 }, w.grad!);
    }
}
