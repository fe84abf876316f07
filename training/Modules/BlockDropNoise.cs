using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// The noise of the reference iPQ implementation (Fan et al., 2020): a Bernoulli(p) mask drops
/// whole blocks of d weights and the kept blocks are scaled by <c>1/(1-p)</c>, so the expected
/// weight is unchanged:
/// <code>
///   m_b ~ Bernoulli(p) per block,   ŵ = (1 - m) ⊙ w / (1 - p)
/// </code>
/// It stands for the quantisation of a block without running k-means each step. In eval mode the
/// weight passes unchanged. The mask comes from a seeded generator.
/// </summary>
public sealed class BlockDropNoise : Module<Tensor, Tensor>
{
    private readonly Generator _generator;

    internal BlockDropNoise(double rate, int blockSize, ulong seed) : base(nameof(BlockDropNoise))
    {
        WeightBlocks.RequireValid(blockSize, rate);
        Rate = rate;
        BlockSize = blockSize;
        _generator = new Generator(seed);
    }

    /// <summary>The probability <c>p</c> that a block is dropped in a training forward pass.</summary>
    public double Rate { get; }

    /// <summary>The block length <c>d</c>.</summary>
    public int BlockSize { get; }

    public override Tensor forward(Tensor w)
    {
        if (!training || Rate == 0)
            return w.alias();
        using var scope = NewDisposeScope();
        long blocks = WeightBlocks.Count(w, BlockSize);
        Tensor kept = rand(new[] { blocks }, generator: _generator, device: w.device) >= Rate;
        Tensor m = WeightBlocks.Spread(kept.to_type(w.dtype), w, BlockSize);
        return (w * m / (1 - Rate)).MoveToOuterDisposeScope();
    }
}
