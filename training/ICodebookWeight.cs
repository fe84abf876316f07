namespace Bitsmith.Training;

/// <summary>
/// What the exporter needs of a product-quantised weight: <c>W = reshape(codebook[indices], shape)</c>
/// with K centroids of d values and one index per block of d consecutive weights.
/// </summary>
public interface ICodebookWeight
{
    /// <summary>Whether the codebook has been fitted to the weight.</summary>
    bool IsFitted { get; }

    /// <summary>The centroids [K, d] (float32).</summary>
    TorchSharp.torch.Tensor Codebook { get; }

    /// <summary>The centroid index of every block [blocks] (int64).</summary>
    TorchSharp.torch.Tensor Indices { get; }
}
