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

    /// <summary>
    /// The lowest level the quantiser produces: <c>-QN</c> for the grids of LSQ and LSQ+; <c>-QP</c>
    /// for a symmetric grid (learned mixed precision), which the exporter then clips to.
    /// </summary>
    long LowestLevel => -Range.QN;

    /// <summary>
    /// One step per output channel (axis 0 of a weight), or null when <see cref="StepValue"/> is the
    /// step of the whole tensor.
    /// </summary>
    double[]? ChannelSteps => null;

    /// <summary>The integer levels of <paramref name="x"/> (no gradient).</summary>
    TorchSharp.torch.Tensor quantize(TorchSharp.torch.Tensor x);
}
