
namespace Bitsmith.Samples.FashionTraining;

/// <summary>How a variant is trained after (or instead of) the plain epoch loop.</summary>
internal enum Method
{
    /// <summary>Epochs of (quantisation-aware) training.</summary>
    Plain,
    /// <summary>Epochs (with Quant-Noise where the variant has it), then iPQ layer by layer with centroid fine-tuning.</summary>
    Ipq,
    /// <summary>Epochs with the cubic sparsity schedule driving the pruners.</summary>
    Pruning,
    /// <summary>Epochs with the memory penalties of learned mixed precision; bits capped at 8; the last epoch trains with the ranges snapped to the grid.</summary>
    Mixed,
    /// <summary>HAWQ-V2 allocates the bits from the fp32 model (the network is built from them), then epochs of LSQ+.</summary>
    Hawq,
    /// <summary>Epochs of EBS search with the size penalty, then the bits within the budget and as many epochs of fine-tuning at them.</summary>
    Ebs,
}

/// <summary>
/// One row of the results: the network it is built on (<see cref="Net"/>), how it quantises
/// (<see cref="Scheme"/>), how it is trained, its nominal bits per weight and activation, and for the bit
/// allocators their budget (<see cref="AverageBits"/>). <see cref="Scheme"/> is null for HAWQ-V2,
/// whose scheme depends on the trained fp32 model.
/// </summary>
internal sealed record Variant(
    string Name,
    string Description,
    string WeightBits,
    string ActivationBits,
    Method Method,
    System.Func<Scheme>? Scheme,
    double? AverageBits = null)
{
    /// <summary>The network (<see cref="Networks"/>).</summary>
    public string Net { get; init; } = Networks.Cnn;

    /// <summary>The classes trained and measured on.</summary>
    public ClassSplit Classes { get; init; } = ClassSplit.All;

    /// <summary>The fraction of weights the pruning schedule ends at (pruning variants).</summary>
    public double FinalKeep { get; init; } = 0.2;

    /// <summary>
    /// Adam's rate for learned mixed precision's step and range (<c>--search-lr</c> overrides it).
    /// Chosen per variant on the validation images from {0.002, 0.0005, 0.0002, 0.0001}
    /// (docs/bit-allocation.md): Adam moves a parameter by about its rate per update, and on the
    /// deeper network 0.002 is a tenth of a 3-bit step.
    /// </summary>
    public double SearchLearningRate { get; init; } = 2e-3;

    /// <summary>Soft movement pruning: the final threshold τ on σ(S) and the regulariser's λ (0: no soft pruner).</summary>
    public (double Threshold, double Lambda) Soft { get; init; }

    /// <summary>
    /// The variant whose trained float weights this one starts from: its network's fp32 variant for
    /// the quantised variants (as LSQ, iPQ and pruning do), the pretrained source model for the
    /// transfer variants; null for the float models trained from scratch.
    /// </summary>
    public string? StartsFrom => Name == Catalog.Fp32Of(Net) || Name == Catalog.Source ? null
        : Classes == ClassSplit.Target ? Catalog.Source : Catalog.Fp32Of(Net);

    /// <summary>Whether the variant's weights are held to the W4 byte budget (<see cref="BitBudget"/>).</summary>
    public bool AtW4Budget => (Method is Method.Mixed or Method.Hawq or Method.Ebs) && AverageBits is null;
}
