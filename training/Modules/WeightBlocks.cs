using System;
using static TorchSharp.torch;

namespace Bitsmith.Training.Modules;

/// <summary>
/// The blocks of Quant-Noise and iPQ: each output row of a weight (a Linear's [out, in], a
/// convolution's [out, in/groups, k, k] flattened per output channel) cut into consecutive
/// sub-vectors of <c>d</c> values. Rows are contiguous, so block <c>b</c> is the flat values
/// <c>[b·d, (b+1)·d)</c>: the weight viewed as [blocks, d].
/// </summary>
internal static class WeightBlocks
{
    /// <summary>Number of blocks of <paramref name="weight"/>; each row's length must be a multiple of <paramref name="blockSize"/>.</summary>
    public static long Count(Tensor weight, int blockSize)
    {
        if (weight.dim() < 2)
            throw new ArgumentException($"A weight of rank {weight.dim()} has no output rows to cut into blocks.", nameof(weight));
        long row = weight.numel() / weight.shape[0];
        if (row % blockSize != 0)
            throw new ArgumentException($"Each output row has {row} values, not a multiple of the block size {blockSize}.", nameof(blockSize));
        return weight.numel() / blockSize;
    }

    /// <summary>The weight as [blocks, d].</summary>
    public static Tensor AsBlocks(Tensor weight, int blockSize)
    {
        Count(weight, blockSize);
        return weight.reshape(-1, blockSize);
    }

    /// <summary>A per-block value [blocks] spread over every weight of its block, in the weight's shape.</summary>
    public static Tensor Spread(Tensor perBlock, Tensor weight, int blockSize) =>
        perBlock.unsqueeze(1).expand(-1, blockSize).reshape(weight.shape);

    public static void RequireValid(int blockSize, double rate)
    {
        if (blockSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "The block size must be positive.");
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The noise rate must be in [0, 1).");
    }
}
