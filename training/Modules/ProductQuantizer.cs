using System;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// iPQ, iterative product quantisation (Fan et al., 2020), for one layer's weight: the weight is cut
/// into blocks of d values (<see cref="WeightBlocks"/>), k-means with K centroids runs over the
/// blocks (<see cref="Fit"/>), and each block is replaced by its centroid index:
/// <code>
///   Ŵ = reshape(C[I], shape(W)),   C: [K, d] (a parameter),   I: [blocks]
/// </code>
/// Before fitting the weight passes in full precision, with block-drop noise
/// (<see cref="BlockDropNoise"/>) in training when a rate is given. After fitting the layer's float
/// weight is no longer read; the centroids are fine-tuned, each by the average gradient of the
/// blocks assigned to it (plain indexing would give the sum). Storage: <c>K·d·4</c> bytes of
/// centroids plus <c>ceil(log2 K)</c> bits per block.
/// </summary>
public sealed class ProductQuantizer : Module<Tensor, Tensor>, ICodebookWeight
{
    [ComponentName(Name = "codebook")]
    private Parameter _codebook;

    // Registered as a buffer by the first Fit, when the block count is known.
    private Tensor? _indices;

    [ComponentName(Name = "noise")]
    private BlockDropNoise _noise;

    private long[]? _shape;

    internal ProductQuantizer(int blockSize, int centroids, int iterations, double noiseRate, int seed) : base(nameof(ProductQuantizer))
    {
        WeightBlocks.RequireValid(blockSize, noiseRate);
        if (centroids < 2)
            throw new ArgumentOutOfRangeException(nameof(centroids), centroids, "At least 2 centroids are needed.");
        if (iterations < 0)
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "The iteration count must not be negative.");
        BlockSize = blockSize;
        Centroids = centroids;
        Iterations = iterations;
        Seed = seed;
        _codebook = zeros(centroids, blockSize).AsParameter();
        _noise = new BlockDropNoise(noiseRate, blockSize, (ulong)seed);
        RegisterComponents();
    }

    /// <summary>The block length <c>d</c>.</summary>
    public int BlockSize { get; }

    /// <summary>The number of centroids <c>K</c>.</summary>
    public int Centroids { get; }

    /// <summary>Lloyd iterations of the k-means.</summary>
    public int Iterations { get; }

    public int Seed { get; }

    public bool IsFitted => _shape != null;

    /// <summary>The centroids [K, d].</summary>
    public Parameter codebook => _codebook;

    public Tensor Codebook => _codebook;

    public Tensor Indices => _indices ?? throw new InvalidOperationException("The codebook is not fitted.");

    /// <summary>Bits of one index: <c>ceil(log2 K)</c>.</summary>
    public int IndexBits => (int)Math.Ceiling(Math.Log(Centroids, 2) - 1e-12);

    /// <summary>Bytes of the quantised weight: <c>K·d·4</c> (float centroids) + <c>ceil(blocks · IndexBits / 8)</c>.</summary>
    public long StorageBytes
    {
        get
        {
            RequireFitted();
            return (long)Centroids * BlockSize * 4 + (Indices.numel() * IndexBits + 7) / 8;
        }
    }

    /// <summary>Runs k-means over the blocks of <paramref name="weight"/> and keeps the codes; later forwards return the quantised weight.</summary>
    public void Fit(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor blocks = WeightBlocks.AsBlocks(weight.detach(), BlockSize);
        if (blocks.shape[0] < Centroids)
            throw new ArgumentException($"The weight has {blocks.shape[0]} blocks, fewer than the {Centroids} centroids.", nameof(weight));
        var (centroids, assignments) = KMeans.Fit(blocks, Centroids, Iterations, Seed);
        _codebook.copy_(centroids.to(_codebook.device));
        if (_indices is null)
        {
            _indices = assignments.to(_codebook.device).MoveToOuterDisposeScope();
            register_buffer("indices", _indices);
        }
        else if (_indices.numel() == assignments.numel())
            _indices.copy_(assignments);
        else
            throw new ArgumentException("The codebook was fitted to a weight of another size.", nameof(weight));
        _shape = weight.shape;
    }

    /// <summary>The quantised weight <c>reshape(C[I], shape)</c> (no gradient).</summary>
    public Tensor Reconstruct()
    {
        RequireFitted();
        using var noGrad = no_grad();
        return _codebook.index_select(0, Indices).reshape(_shape!);
    }

    public override Tensor forward(Tensor w)
    {
        if (!IsFitted)
            return _noise.forward(w);
        if (!w.shape.AsSpan().SequenceEqual(_shape))
            throw new ArgumentException($"The codebook was fitted to a weight of shape [{string.Join(", ", _shape!)}], not [{string.Join(", ", w.shape)}].", nameof(w));
        using var scope = NewDisposeScope();
        // Forward C; backward the gradient of each centroid divided by its block count: the mean.
        Tensor counts = bincount(Indices, minlength: Centroids).to_type(_codebook.dtype).clamp_min(1).unsqueeze(1);
        Tensor averaged = _codebook / counts;
        Tensor book = _codebook.detach() + (averaged - averaged.detach());
        return book.index_select(0, Indices).reshape(_shape!).MoveToOuterDisposeScope();
    }

    private void RequireFitted()
    {
        if (!IsFitted)
            throw new InvalidOperationException("The codebook is not fitted: call Fit (or ProductQuantization.QuantizeLayers) first.");
    }
}
