using System;
using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>
/// Factories of the layers whose graph the exporter knows (PyTorch names). Weighted layers take an
/// optional weight quantiser (<see cref="Quant.Lsq"/>, <see cref="Quant.LsqPlus"/>, <see cref="Quant.MixedPrecision"/>
/// or <see cref="Quant.Ebs"/> with <see cref="QuantTarget.Weights"/>, <see cref="Quant.QuantNoise"/>, <see cref="Quant.ProductQuantizer"/>,
/// <see cref="Quant.MovementPruning"/> or <see cref="Quant.MagnitudePruning"/>); <see cref="Quantize"/> puts an activation quantiser in the chain.
/// </summary>
public static class Layers
{
    public static QuantSequential Sequential(params nn.Module<Tensor, Tensor>[] layers) => new(layers);

    public static QuantConv2d Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0,
        int groups = 1, bool bias = true, nn.Module<Tensor, Tensor>? weightQuantizer = null)
        => new(inChannels, outChannels, kernelSize, stride, padding, groups, bias, weightQuantizer);

    /// <summary>A convolution with a rectangular kernel (height, width), strides and pads per axis.</summary>
    public static QuantConv2d Conv2d(int inChannels, int outChannels, (int Height, int Width) kernelSize,
        (int Height, int Width) stride, (int Height, int Width) padding, int groups = 1, bool bias = true,
        nn.Module<Tensor, Tensor>? weightQuantizer = null)
        => new(inChannels, outChannels, kernelSize, stride, padding, groups, bias, weightQuantizer);

    /// <summary>A depthwise convolution: one filter per channel (groups = channels).</summary>
    public static QuantConv2d DepthwiseConv2d(int channels, int kernelSize, int stride = 1, int padding = 0,
        bool bias = true, nn.Module<Tensor, Tensor>? weightQuantizer = null)
        => new(channels, channels, kernelSize, stride, padding, channels, bias, weightQuantizer);

    public static QuantLinear Linear(int inFeatures, int outFeatures, bool bias = true, nn.Module<Tensor, Tensor>? weightQuantizer = null)
        => new(inFeatures, outFeatures, bias, weightQuantizer);

    /// <summary>TorchSharp's BatchNorm2d; the exporter folds it into the convolution before it.</summary>
    public static TorchSharp.Modules.BatchNorm2d BatchNorm2d(int channels) => nn.BatchNorm2d(channels);

    public static Activation ReLU() => new(ActivationKind.ReLU);
    public static Activation ReLU6() => new(ActivationKind.ReLU6);
    public static Activation HardSwish() => new(ActivationKind.HardSwish);

    public static Pool2d MaxPool2d(int kernelSize, int? stride = null, int padding = 0) => new(PoolKind.Max, kernelSize, stride ?? kernelSize, padding);
    public static Pool2d AvgPool2d(int kernelSize, int? stride = null, int padding = 0) => new(PoolKind.Average, kernelSize, stride ?? kernelSize, padding);
    public static GlobalAvgPool GlobalAvgPool() => new();
    public static Flatten Flatten() => new();

    /// <summary>Quantises the activations at this point of the chain.</summary>
    public static ActivationQuant Quantize(nn.Module<Tensor, Tensor> activationQuantizer) => new(activationQuantizer);

    /// <summary><c>x + body(x)</c>.</summary>
    public static Residual Residual(params nn.Module<Tensor, Tensor>[] body) => new(new QuantSequential(body));

    /// <summary>
    /// <c>shortcut(x) + body(x)</c>: a residual block whose shortcut changes the shape (ResNet's
    /// downsampling blocks: a strided 1×1 convolution with BatchNorm on the shortcut).
    /// </summary>
    public static Residual ProjectedResidual(nn.Module<Tensor, Tensor>[] shortcut, params nn.Module<Tensor, Tensor>[] body)
        => new(new QuantSequential(body), new QuantSequential(shortcut));

    internal static void RequireWeightQuantizer(nn.Module<Tensor, Tensor>? q)
    {
        if (q is not null && q is not IUniformQuantizer { Target: QuantTarget.Weights } && q is not ICodebookWeight && q is not IPrunedWeight)
            throw new ArgumentException("A weight quantiser (an IUniformQuantizer with QuantTarget.Weights: LSQ, LSQ+, mixed precision, EBS; Quant-Noise, iPQ or a pruner) is needed.", nameof(q));
    }
}
