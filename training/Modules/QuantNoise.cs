using System;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// Quant-Noise (Fan et al., 2020): on each training forward pass only a random subset of the
/// weight's blocks (each block independently with probability <c>p</c>) goes through the
/// quantiser; the other blocks stay in full precision and keep their true gradients:
/// <code>
///   m_b ~ Bernoulli(p) per block of d values,   ŵ = m ⊙ Q(w) + (1 - m) ⊙ w
/// </code>
/// The quantised part's gradient is the quantiser's own straight-through one. In eval mode there
/// is no noise: every block is quantised, as the exported model is. The mask comes from a seeded
/// generator, so runs repeat. The exporter sees the inner quantiser.
/// </summary>
public sealed class QuantNoise : Module<Tensor, Tensor>, IUniformQuantizer
{
    private readonly Module<Tensor, Tensor> _quantizer;
    private readonly IUniformQuantizer _uniform;
    private readonly Generator _generator;

    internal QuantNoise(Module<Tensor, Tensor> quantizer, double rate, int blockSize, ulong seed) : base(nameof(QuantNoise))
    {
        WeightBlocks.RequireValid(blockSize, rate);
        _uniform = quantizer as IUniformQuantizer is { Target: QuantTarget.Weights } u
            ? u
            : throw new ArgumentException("Quant-Noise needs a weight quantiser (LSQ or LSQ+, QuantTarget.Weights).", nameof(quantizer));
        _quantizer = quantizer;
        Rate = rate;
        BlockSize = blockSize;
        _generator = new Generator(seed);
        register_module("quantizer", quantizer);
    }

    /// <summary>The probability <c>p</c> that a block is quantised in a training forward pass.</summary>
    public double Rate { get; }

    /// <summary>The block length <c>d</c>.</summary>
    public int BlockSize { get; }

    public QuantRange Range => _uniform.Range;
    public QuantTarget Target => _uniform.Target;
    public bool IsInitialized => _uniform.IsInitialized;
    public double StepValue => _uniform.StepValue;
    public double OffsetValue => _uniform.OffsetValue;
    public double[]? ChannelSteps => _uniform.ChannelSteps;
    public Tensor quantize(Tensor x) => _uniform.quantize(x);

    public override Tensor forward(Tensor w)
    {
        if (!training)
            return _quantizer.forward(w);
        using var scope = NewDisposeScope();
        long blocks = WeightBlocks.Count(w, BlockSize);
        Tensor chosen = rand(new[] { blocks }, generator: _generator, device: w.device) < Rate;
        Tensor m = WeightBlocks.Spread(chosen.to_type(w.dtype), w, BlockSize);
        return (m * _quantizer.forward(w) + (1 - m) * w).MoveToOuterDisposeScope();
    }
}
