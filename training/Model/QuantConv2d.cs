using System;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>
/// A 2-D convolution (a square or rectangular kernel, padding symmetric on each axis, groups for
/// depthwise) whose weight may pass through a quantiser: <c>y = conv(x, Q_w(W)) + b</c>. The bias
/// stays in float.
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
        nn.Module<Tensor, Tensor>? weightQuantizer)
        : this(inChannels, outChannels, (kernelSize, kernelSize), (stride, stride), (padding, padding), groups, bias, weightQuantizer)
    {
    }

    internal QuantConv2d(int inChannels, int outChannels, (int Height, int Width) kernelSize, (int Height, int Width) stride,
        (int Height, int Width) padding, int groups, bool bias, nn.Module<Tensor, Tensor>? weightQuantizer) : base(nameof(QuantConv2d))
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize.Height <= 0 || kernelSize.Width <= 0 || stride.Height <= 0
            || stride.Width <= 0 || padding.Height < 0 || padding.Width < 0 || groups <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels), "Channels, kernel size, stride and groups must be positive, padding not negative.");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"groups ({groups}) must divide both channel counts ({inChannels}, {outChannels}).", nameof(groups));
        Layers.RequireWeightQuantizer(weightQuantizer);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelShape = kernelSize;
        Strides = stride;
        Pads = padding;
        Groups = groups;

        // PyTorch's default initialisation: uniform in ±1/sqrt(fan_in) for weight and bias.
        int fanIn = inChannels / groups * kernelSize.Height * kernelSize.Width;
        double bound = 1.0 / Math.Sqrt(fanIn);
        _weight = ((rand(outChannels, inChannels / groups, kernelSize.Height, kernelSize.Width) * 2 - 1) * bound).AsParameter();
        _bias = bias ? ((rand(outChannels) * 2 - 1) * bound).AsParameter() : null;
        _weightQuantizer = weightQuantizer;
        (weightQuantizer as IWeightBound)?.Bind(_weight);
        RegisterComponents();
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    /// <summary>The kernel's height and width.</summary>
    public (int Height, int Width) KernelShape { get; }

    /// <summary>The stride along the height and the width.</summary>
    public (int Height, int Width) Strides { get; }

    /// <summary>The padding on each side, along the height and the width.</summary>
    public (int Height, int Width) Pads { get; }

    /// <summary>The kernel size of a square kernel (for a rectangular one, see <see cref="KernelShape"/>).</summary>
    public int KernelSize => KernelShape.Height == KernelShape.Width ? KernelShape.Height
        : throw new InvalidOperationException($"The kernel is {KernelShape.Height}x{KernelShape.Width}: use KernelShape.");

    /// <summary>The stride, the same along both axes (otherwise see <see cref="Strides"/>).</summary>
    public int Stride => Strides.Height == Strides.Width ? Strides.Height
        : throw new InvalidOperationException($"The strides are {Strides.Height} and {Strides.Width}: use Strides.");

    /// <summary>The padding, the same along both axes (otherwise see <see cref="Pads"/>).</summary>
    public int Padding => Pads.Height == Pads.Width ? Pads.Height
        : throw new InvalidOperationException($"The pads are {Pads.Height} and {Pads.Width}: use Pads.");
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
        return nn.functional.conv2d(x, w, _bias, strides: new long[] { Strides.Height, Strides.Width },
            padding: new long[] { Pads.Height, Pads.Width }, groups: Groups);
    }
}
