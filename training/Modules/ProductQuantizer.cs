using System;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// iPQ, iterative product quantisation (Fan et al., 2020), for one layer's weight: the weight is cut
/// into blocks of d values (<see cref="WeightBlocks"/>; d = 9 makes each block one 3×3 kernel), k-means
/// with K centroids runs over the blocks (<see cref="Fit"/>), and each block is replaced by its
/// centroid index:
/// <code>
///   Ŵ = reshape(C[I], shape(W)),   C: [K, d] (a parameter),   I: [blocks]
/// </code>
/// Before fitting, the weight passes in full precision, with Quant-Noise in training when a rate
/// <c>p</c> is given: each block, with probability p, is replaced by its nearest centroid of the
/// weight's current codebook (k-means once, then one warm-started Lloyd round per training forward,
/// so the centroids follow the weights), straight-through: every weight keeps its full gradient.
/// After fitting, the layer's float weight is no longer read; the centroids are fine-tuned, each by
/// the average gradient of the blocks assigned to it (plain indexing would give the sum). The
/// codes, the fitted flag and the centroids are saved with the model, so a half-quantised network
/// resumes. Storage: <c>K·d·4</c> bytes of centroids plus <c>ceil(log2 K)</c> bits per block.
/// </summary>
public sealed class ProductQuantizer : Module<Tensor, Tensor>, ICodebookWeight, IWeightBound
{
    [ComponentName(Name = "codebook")]
    private Parameter _codebook;

    // 1 once fitted (a float buffer, saved with the model).
    [ComponentName(Name = "fitted")]
    private Tensor _fitted;

    // Registered as a buffer when the block count is known (bound to a layer, or the first Fit).
    private Tensor? _indices;

    private long[]? _shape;

    private readonly Generator _generator;

    // The noise's codebook [K, d] while unfitted and training with noise; not saved (refitted on resume).
    private Tensor? _noiseCodebook;

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
        NoiseRate = noiseRate;
        Seed = seed;
        _codebook = zeros(centroids, blockSize).AsParameter();
        _fitted = zeros(1);
        _generator = new Generator((ulong)seed);
        RegisterComponents();
    }

    /// <summary>The block length <c>d</c>.</summary>
    public int BlockSize { get; }

    /// <summary>The number of centroids <c>K</c>.</summary>
    public int Centroids { get; }

    /// <summary>Lloyd iterations of the k-means.</summary>
    public int Iterations { get; }

    /// <summary>Quant-Noise's rate <c>p</c> before fitting (0: none).</summary>
    public double NoiseRate { get; }

    public int Seed { get; }

    public bool IsFitted => _fitted.to_type(ScalarType.Float64).item<double>() != 0;

    /// <summary>The centroids [K, d].</summary>
    public Parameter codebook => _codebook;

    public Tensor Codebook => _codebook;

    public Tensor Indices => IsFitted ? _indices! : throw new InvalidOperationException("The codebook is not fitted.");

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

    void IWeightBound.Bind(Tensor weight)
    {
        if (_shape is not null)
            throw new InvalidOperationException("A product quantiser belongs to one layer.");
        long blocks = WeightBlocks.Count(weight, BlockSize);
        _shape = weight.shape;
        _indices = zeros(blocks, dtype: ScalarType.Int64);
        register_buffer("indices", _indices);
    }

    /// <summary>Runs k-means over the blocks of <paramref name="weight"/> and keeps the codes; later forwards return the quantised weight.</summary>
    public void Fit(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (_shape is not null && !weight.shape.AsSpan().SequenceEqual(_shape))
            throw new ArgumentException("The codebook belongs to a weight of another shape.", nameof(weight));
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
        else
            _indices.copy_(assignments);
        _shape = weight.shape;
        _fitted.fill_(1);
        _noiseCodebook?.Dispose();
        _noiseCodebook = null;
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
            return training && NoiseRate > 0 ? Noised(w) : w.alias();
        if (!w.shape.AsSpan().SequenceEqual(_shape))
            throw new ArgumentException($"The codebook was fitted to a weight of shape [{string.Join(", ", _shape!)}], not [{string.Join(", ", w.shape)}].", nameof(w));
        using var scope = NewDisposeScope();
        // Forward C; backward the gradient of each centroid divided by its block count: the mean.
        Tensor counts = bincount(Indices, minlength: Centroids).to_type(_codebook.dtype).clamp_min(1).unsqueeze(1);
        Tensor averaged = _codebook / counts;
        Tensor book = _codebook.detach() + (averaged - averaged.detach());
        return book.index_select(0, Indices).reshape(_shape!).MoveToOuterDisposeScope();
    }

    // Quant-Noise: a Bernoulli(p) choice of blocks takes its current centroid, straight-through.
    private Tensor Noised(Tensor w)
    {
        using var scope = NewDisposeScope();
        Tensor blocks = WeightBlocks.AsBlocks(w.detach(), BlockSize);
        Tensor centroids, assignments;
        using (no_grad())
        {
            (centroids, assignments) = _noiseCodebook is null
                ? KMeans.Fit(blocks, Centroids, Iterations, Seed)
                : KMeans.Refine(blocks, _noiseCodebook, 1);
            _noiseCodebook?.Dispose();
            _noiseCodebook = centroids.detach().clone().DetachFromDisposeScope();
        }
        Tensor quantised = centroids.to(w.device).index_select(0, assignments.to(w.device)).reshape(w.shape);
        Tensor chosen = rand(new[] { blocks.shape[0] }, generator: _generator) < NoiseRate;
        Tensor m = WeightBlocks.Spread(chosen.to(w.device), w, BlockSize);
        // Forward exactly the centroid or the weight; backward the identity into every weight.
        return (where(m, quantised, w.detach()) + (w - w.detach())).MoveToOuterDisposeScope();
    }

    private void RequireFitted()
    {
        if (!IsFitted)
            throw new InvalidOperationException("The codebook is not fitted: call Fit (or ProductQuantization.QuantizeLayers) first.");
    }
}
