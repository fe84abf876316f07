using Bitsmith.Training.Modules;

namespace Bitsmith.Training;

/// <summary>Factories of the quantiser modules (the methods of shared/PAPERS.md).</summary>
public static class Quant
{
    /// <summary>
    /// An LSQ quantiser (learned step). <paramref name="signed"/> defaults to signed for weights and
    /// unsigned for activations (as after a ReLU).
    /// </summary>
    public static LsqQuantizer Lsq(int bits, QuantTarget target, bool? signed = null)
        => new(bits, target, signed ?? target == QuantTarget.Weights);

    /// <summary>
    /// An LSQ+ quantiser: signed symmetric for weights; for activations with a learned offset,
    /// unsigned unless <paramref name="signed"/> says otherwise.
    /// </summary>
    public static LsqPlusQuantizer LsqPlus(int bits, QuantTarget target, bool? signed = null)
        => new(bits, target, signed ?? target == QuantTarget.Weights);

    /// <summary>
    /// A learned mixed-precision quantiser (Uhlich et al.: learned step and range, derived bitwidth),
    /// initialised from the first tensor at <paramref name="initialBits"/>. Signed for weights,
    /// unsigned for activations unless <paramref name="signed"/> says otherwise.
    /// </summary>
    public static MixedPrecisionQuantizer MixedPrecision(QuantTarget target, int initialBits = 4, bool? signed = null,
        bool powerOfTwoStep = false)
        => new(target, signed ?? target == QuantTarget.Weights, initialBits, powerOfTwoStep);

    /// <summary>
    /// An EBS bitwidth-search quantiser over the candidate <paramref name="bits"/> (one LSQ quantiser
    /// each, mixed by softmax strengths); signed for weights, unsigned for activations unless
    /// <paramref name="signed"/> says otherwise.
    /// </summary>
    public static EbsQuantizer Ebs(QuantTarget target, int[] bits, bool? signed = null)
        => new(bits, target, signed ?? target == QuantTarget.Weights);
}
