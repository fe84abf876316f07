namespace Bitsmith.Training;

/// <summary>
/// What the exporter needs of a uniform quantiser: <c>x̂ = round(clamp((x - β) / s, -QN, QP)) · s + β</c>
/// with one step <c>s</c> and one offset <c>β</c> per tensor (β = 0 for symmetric quantisers).
/// </summary>
public interface IUniformQuantizer
{
    /// <summary>The integer grid.</summary>
    QuantRange Range { get; }

    /// <summary>What the quantiser is applied to.</summary>
    QuantTarget Target { get; }

    /// <summary>Whether step (and offset) have been set.</summary>
    bool IsInitialized { get; }

    /// <summary>The step <c>s</c>.</summary>
    double StepValue { get; }

    /// <summary>The offset <c>β</c>; 0 for symmetric quantisers.</summary>
    double OffsetValue { get; }

    /// <summary>The integer levels of <paramref name="x"/> (no gradient).</summary>
    TorchSharp.torch.Tensor quantize(TorchSharp.torch.Tensor x);
}
