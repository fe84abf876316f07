using System;
using Bitsmith.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests.Export;

/// <summary>The quantisation schemes of the parity tests.</summary>
public enum Scheme
{
    Float,
    W8A8Lsq,
    W4A4LsqPlus,
    W2A2LsqPlus,
    MixedPrecision,
    MixedPrecisionFullGrid,
    W1A1Binary,
}

/// <summary>
/// A small CNN using every layer kind of the model-building API, trained a few steps on synthetic
/// data: conv+BN+ReLU, depthwise conv+BN+ReLU6, a residual block, max pool, conv+HardSwish,
/// average pool, global average pool, flatten, linear; an activation quantiser before every
/// weighted layer and on the logits.
/// </summary>
internal static class ExportTestNetwork
{
    public const int Channels = 1, Size = 8, Classes = 4;

    public static QuantSequential Build(Scheme scheme)
    {
        nn.Module<Tensor, Tensor>? W() => scheme switch
        {
            Scheme.Float => null,
            Scheme.W8A8Lsq => Quant.Lsq(8, QuantTarget.Weights),
            Scheme.W4A4LsqPlus => Quant.LsqPlus(4, QuantTarget.Weights),
            Scheme.MixedPrecision => Quant.MixedPrecision(QuantTarget.Weights),
            Scheme.MixedPrecisionFullGrid => Quant.MixedPrecision(QuantTarget.Weights, fullGrid: true),
            Scheme.W1A1Binary => Quant.BinaryWeights(),
            _ => Quant.LsqPlus(2, QuantTarget.Weights),
        };
        // LSQ: signed where values can be negative; LSQ+: unsigned with a learned offset throughout.
        nn.Module<Tensor, Tensor>[] A(bool signed = false) => scheme switch
        {
            Scheme.Float => Array.Empty<nn.Module<Tensor, Tensor>>(),
            Scheme.W8A8Lsq => new nn.Module<Tensor, Tensor>[] { Layers.Quantize(Quant.Lsq(8, QuantTarget.Activations, signed)) },
            Scheme.W4A4LsqPlus => new nn.Module<Tensor, Tensor>[] { Layers.Quantize(Quant.LsqPlus(4, QuantTarget.Activations)) },
            Scheme.MixedPrecision or Scheme.MixedPrecisionFullGrid =>
                new nn.Module<Tensor, Tensor>[] { Layers.Quantize(Quant.MixedPrecision(QuantTarget.Activations, signed: signed, fullGrid: scheme == Scheme.MixedPrecisionFullGrid)) },
            // Binary: {0, s} where values are non-negative; a signed grid needs 2 bits, so 8 there.
            Scheme.W1A1Binary => new nn.Module<Tensor, Tensor>[] { Layers.Quantize(Quant.Lsq(signed ? 8 : 1, QuantTarget.Activations, signed)) },
            _ => new nn.Module<Tensor, Tensor>[] { Layers.Quantize(Quant.LsqPlus(2, QuantTarget.Activations)) },
        };

        return Layers.Sequential(
        [
            .. A(signed: true),
            Layers.Conv2d(Channels, 8, 3, padding: 1, weightQuantizer: W()), Layers.BatchNorm2d(8), Layers.ReLU(),
            .. A(),
            Layers.DepthwiseConv2d(8, 3, padding: 1, weightQuantizer: W()), Layers.BatchNorm2d(8), Layers.ReLU6(),
            .. A(),
            Layers.Residual([Layers.Conv2d(8, 8, 1, weightQuantizer: W()), Layers.BatchNorm2d(8), Layers.ReLU(), .. A()]),
            Layers.MaxPool2d(2),
            .. A(),
            Layers.Conv2d(8, 16, 3, padding: 1, weightQuantizer: W()), Layers.HardSwish(),
            Layers.AvgPool2d(2),
            Layers.GlobalAvgPool(),
            Layers.Flatten(),
            .. A(signed: true),
            Layers.Linear(16, Classes, weightQuantizer: W()),
            .. A(signed: true),
        ]);
    }

    /// <summary>Trains <paramref name="steps"/> Adam steps on synthetic data (the class is the brightest quadrant).</summary>
    public static void Train(QuantSequential net, int steps, int seed)
    {
        torch.manual_seed(seed);
        net.train();
        using var optimizer = optim.Adam(net.parameters(), lr: 0.01);
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            Tensor x = randn(32, Channels, Size, Size);
            Tensor quadrants = nn.functional.avg_pool2d(x, new long[] { Size / 2, Size / 2 }).flatten(1);
            Tensor labels = quadrants.argmax(1);
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(net.forward(x), labels);
            loss.backward();
            optimizer.step();
        }
        net.eval();
    }
}
