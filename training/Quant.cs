using System;
using Bitsmith.Training.Modules;
using static TorchSharp.torch;

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
    /// An LSQ weight quantiser with one learned step per output channel (signed, symmetric),
    /// initialised as ONNX Runtime's per-channel quantiser (<c>max|w[c]| / QP</c>);
    /// <paramref name="channels"/> is the layer's output channel count.
    /// </summary>
    public static LsqPerChannelQuantizer LsqPerChannel(int bits, int channels) => new(bits, channels);

    /// <summary>
    /// A learned mixed-precision quantiser (Uhlich et al.: learned step and range, derived bitwidth),
    /// initialised from the first tensor at <paramref name="initialBits"/>. Signed for weights,
    /// unsigned for activations unless <paramref name="signed"/> says otherwise; <paramref name="fullGrid"/>:
    /// a signed grid uses the level <c>-2^(b-1)</c> too (<see cref="MixedPrecisionQuantizer.FullGrid"/>).
    /// </summary>
    public static MixedPrecisionQuantizer MixedPrecision(QuantTarget target, int initialBits = 4, bool? signed = null,
        bool powerOfTwoStep = false, bool fullGrid = false)
        => new(target, signed ?? target == QuantTarget.Weights, initialBits, powerOfTwoStep, fullGrid);

    /// <summary>Binary weights <c>±mean|w|</c> (XNOR-Net), sign straight-through.</summary>
    public static BinaryWeightQuantizer BinaryWeights() => new();

    /// <summary>
    /// An EBS bitwidth-search quantiser over the candidate <paramref name="bits"/> (one LSQ quantiser
    /// each, mixed by softmax strengths); signed for weights, unsigned for activations unless
    /// <paramref name="signed"/> says otherwise.
    /// </summary>
    public static EbsQuantizer Ebs(QuantTarget target, int[] bits, bool? signed = null)
        => new(bits, target, signed ?? target == QuantTarget.Weights);

    /// <summary>
    /// Quant-Noise around a weight quantiser: in training each block of <paramref name="blockSize"/>
    /// weights is quantised with probability <paramref name="rate"/>; in eval all are.
    /// </summary>
    public static QuantNoise QuantNoise(nn.Module<Tensor, Tensor> weightQuantizer, double rate, int blockSize = 8, ulong seed = 0)
        => new(weightQuantizer, rate, blockSize, seed);

    /// <summary>
    /// An iPQ codebook for one layer: K = <paramref name="centroids"/> centroids of
    /// <paramref name="blockSize"/> values (9 for a 3×3 kernel), fitted by <paramref name="iterations"/>
    /// Lloyd rounds; before it is fitted, Quant-Noise at <paramref name="noiseRate"/>: that share of the
    /// blocks replaced by their current centroid.
    /// </summary>
    public static ProductQuantizer ProductQuantizer(int blockSize = 8, int centroids = 256, int iterations = 20, double noiseRate = 0, int seed = 0)
        => new(blockSize, centroids, iterations, noiseRate, seed);

    /// <summary>Movement pruning (learned scores), optionally followed by a weight quantiser.</summary>
    public static MovementPruner MovementPruning(nn.Module<Tensor, Tensor>? weightQuantizer = null)
        => new(RequireUniform(weightQuantizer));

    /// <summary>Soft movement pruning: a threshold on the scores and a regulariser decide the sparsity; float weights.</summary>
    public static SoftMovementPruner SoftMovementPruning() => new();

    /// <summary>Magnitude pruning, optionally followed by a weight quantiser.</summary>
    public static MagnitudePruner MagnitudePruning(nn.Module<Tensor, Tensor>? weightQuantizer = null)
        => new(RequireUniform(weightQuantizer));

    private static nn.Module<Tensor, Tensor>? RequireUniform(nn.Module<Tensor, Tensor>? q) =>
        q is null or IUniformQuantizer { Target: QuantTarget.Weights }
            ? q
            : throw new ArgumentException("Pruned weights are quantised by a uniform quantiser (QuantTarget.Weights) or not at all.", nameof(q));
}
