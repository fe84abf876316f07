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
}
