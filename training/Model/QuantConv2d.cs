using System;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>
/// A 2-D convolution (square kernel, symmetric padding, groups for depthwise) whose weight may pass
/// through a quantiser: <c>y = conv(x, Q_w(W)) + b</c>. The bias stays in float.
/// </summary>
public sealed class QuantConv2d : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private Parameter _weight;

    [ComponentName(Name = "bias")]
    private Parameter? _bias;

    [ComponentName(Name = "weight_quantizer")]
    private nn.Module<Tensor, Tensor>? _weightQuantizer;

    internal QuantConv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int groups, bool bias,
        nn.Module<Tensor, Tensor>? weightQuantizer) : base(nameof(QuantConv2d))
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0 || padding < 0 || groups <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels), "Channels, kernel size, stride and groups must be positive, padding not negative.");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"groups ({groups}) must divide both channel counts ({inChannels}, {outChannels}).", nameof(groups));
        Layers.RequireWeightQuantizer(weightQuantizer);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Groups = groups;

        // PyTorch's default initialisation: uniform in ±1/sqrt(fan_in) for weight and bias.
        int fanIn = inChannels / groups * kernelSize * kernelSize;
        double bound = 1.0 / Math.Sqrt(fanIn);
        _weight = ((rand(outChannels, inChannels / groups, kernelSize, kernelSize) * 2 - 1) * bound).AsParameter();
        _bias = bias ? ((rand(outChannels) * 2 - 1) * bound).AsParameter() : null;
        _weightQuantizer = weightQuantizer;
        (weightQuantizer as IWeightBound)?.Bind(_weight);
        RegisterComponents();
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Groups { get; }

    /// <summary>The float weight [out, in / groups, k, k].</summary>
    public Parameter weight => _weight;

    /// <summary>The float bias [out], or null.</summary>
    public Parameter? bias => _bias;

    /// <summary>The weight's uniform quantiser, or null for a float, codebook or pruned weight.</summary>
    public IUniformQuantizer? WeightQuantizer => _weightQuantizer as IUniformQuantizer;

    /// <summary>The module applied to the weight in the forward pass (quantiser, codebook or pruner), or null.</summary>
    public nn.Module<Tensor, Tensor>? WeightTransform => _weightQuantizer;

    public override Tensor forward(Tensor x)
    {
        Tensor w = _weightQuantizer is null ? _weight : _weightQuantizer.forward(_weight);
        return nn.functional.conv2d(x, w, _bias, strides: new long[] { Stride, Stride },
            padding: new long[] { Padding, Padding }, groups: Groups);
    }
}
