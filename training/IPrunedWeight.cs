namespace Bitsmith.Training;

/// <summary>
/// What the exporter needs of a pruned weight: the weight with its pruned entries set to zero,
/// and the quantiser applied after the mask, if any. The exporter writes the masked weight, so
/// pruned weights are zeros in the file.
/// </summary>
public interface IPrunedWeight
{
    /// <summary>The fraction of the weights the mask keeps (the rest are zero).</summary>
    double KeepFraction { get; set; }

    /// <summary>The uniform quantiser after the mask, or null for a float weight.</summary>
    IUniformQuantizer? Inner { get; }

    /// <summary><c>W ⊙ M</c> with the current mask (no gradient).</summary>
    TorchSharp.torch.Tensor Prune(TorchSharp.torch.Tensor weight);
}
