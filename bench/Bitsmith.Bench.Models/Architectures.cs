using System.Collections.Generic;
using System.Linq;
using Bitsmith.Training;
using Bitsmith.Training.Model;
using static TorchSharp.torch;

namespace Bitsmith.Bench.Models;

/// <summary>
/// The four benchmark networks, all int8: 8-bit weights with one LSQ step per output channel
/// (signed, symmetric, initialised as ONNX Runtime's per-channel quantiser; a folded BatchNorm
/// multiplies each channel's scale) and LSQ+ 8-bit unsigned activations with an offset (u8 with a
/// zero point). An activation quantiser sits before every weighted layer, after every activation,
/// on both inputs and the output of every residual add, and on the logits: the places ONNX Runtime's
/// static quantiser puts its QuantizeLinear/DequantizeLinear pairs.
/// With <c>quantized: false</c> the same code builds the same network in float: no weight
/// quantiser and no activation quantiser (the TorchSharp peer of the inference benchmark).
/// </summary>
internal static class Architectures
{
    private static nn.Module<Tensor, Tensor>? W(int channels, bool quantized, int bits = 8) => quantized ? Quant.LsqPerChannel(bits, channels) : null;

    private static nn.Module<Tensor, Tensor>? A(bool quantized, int bits = 8) => quantized ? Layers.Quantize(Quant.LsqPlus(bits, QuantTarget.Activations)) : null;

    /// <summary>The layers without the activation quantisers that a float network leaves out.</summary>
    private static nn.Module<Tensor, Tensor>[] Present(IEnumerable<nn.Module<Tensor, Tensor>?> layers) =>
        layers.Where(l => l is not null).Select(l => l!).ToArray();

    /// <summary>conv (no bias) → BatchNorm → [activation → quantiser | quantiser].</summary>
    private static IEnumerable<nn.Module<Tensor, Tensor>?> ConvBn(int cin, int cout, int k, int stride, int padding,
        nn.Module<Tensor, Tensor>? activation, bool quantized, int groups = 1)
    {
        yield return Layers.Conv2d(cin, cout, k, stride, padding, groups, bias: false, weightQuantizer: W(cout, quantized));
        yield return Layers.BatchNorm2d(cout);
        if (activation != null) yield return activation;
        yield return A(quantized);
    }

    /// <summary>
    /// MobileNetV2 at width 0.35 (channels rounded to multiples of 8 as torchvision's
    /// <c>_make_divisible</c>: 16 | 8, 8, 16, 24, 32, 56, 112 | 1280), 96×96×3, 1000 classes.
    /// Inverted residual blocks: 1×1 expand (×6) → 3×3 depthwise (stride 1 or 2) → 1×1 linear
    /// project; a residual add where stride is 1 and the channels stay.
    /// </summary>
    public static QuantSequential MobileNetV2(bool quantized = true)
    {
        var layers = new List<nn.Module<Tensor, Tensor>?> { A(quantized) };
        layers.AddRange(ConvBn(3, 16, 3, 2, 1, Layers.ReLU6(), quantized));
        int c = 16;
        (int T, int C, int N, int S)[] settings =
        {
            (1, 8, 1, 1), (6, 8, 2, 2), (6, 16, 3, 2), (6, 24, 4, 2), (6, 32, 3, 1), (6, 56, 3, 2), (6, 112, 1, 1),
        };
        foreach (var (t, cout, n, s) in settings)
        {
            for (int i = 0; i < n; i++)
            {
                int stride = i == 0 ? s : 1;
                var body = new List<nn.Module<Tensor, Tensor>?>();
                int hidden = c * t;
                if (t != 1) body.AddRange(ConvBn(c, hidden, 1, 1, 0, Layers.ReLU6(), quantized));
                body.AddRange(ConvBn(hidden, hidden, 3, stride, 1, Layers.ReLU6(), quantized, groups: hidden));
                body.AddRange(ConvBn(hidden, cout, 1, 1, 0, null, quantized));
                if (stride == 1 && c == cout)
                {
                    layers.Add(Layers.Residual(Present(body)));
                    layers.Add(A(quantized));
                }
                else
                    layers.AddRange(body);
                c = cout;
            }
        }
        layers.AddRange(ConvBn(c, 1280, 1, 1, 0, Layers.ReLU6(), quantized));
        layers.Add(Layers.GlobalAvgPool());
        layers.Add(Layers.Flatten());
        layers.Add(A(quantized));
        layers.Add(Layers.Linear(1280, 1000, weightQuantizer: W(1000, quantized)));
        layers.Add(A(quantized));
        return Layers.Sequential(Present(layers));
    }

    /// <summary>
    /// DS-CNN for keyword spotting on 1×49×10 MFCC features (MLPerf Tiny's KWS model): conv 64
    /// filters 10×4 stride 2, padded 5 and 1 (→ 25×5, as TensorFlow's "same"), then 4
    /// depthwise-separable blocks of 64 channels (3×3 depthwise + 1×1 pointwise, each with BatchNorm
    /// and ReLU), global average pool (MLPerf's 25×5 average pool), linear 12 classes.
    /// </summary>
    public static QuantSequential DsCnn(bool quantized = true)
    {
        var layers = new List<nn.Module<Tensor, Tensor>?> { A(quantized) };
        layers.Add(Layers.Conv2d(1, 64, (10, 4), (2, 2), (5, 1), bias: false, weightQuantizer: W(64, quantized)));
        layers.Add(Layers.BatchNorm2d(64));
        layers.Add(Layers.ReLU());
        layers.Add(A(quantized));
        for (int i = 0; i < 4; i++)
        {
            layers.AddRange(ConvBn(64, 64, 3, 1, 1, Layers.ReLU(), quantized, groups: 64));
            layers.AddRange(ConvBn(64, 64, 1, 1, 0, Layers.ReLU(), quantized));
        }
        layers.Add(Layers.GlobalAvgPool());
        layers.Add(Layers.Flatten());
        layers.Add(A(quantized));
        layers.Add(Layers.Linear(64, 12, weightQuantizer: W(12, quantized)));
        layers.Add(A(quantized));
        return Layers.Sequential(Present(layers));
    }

    /// <summary>
    /// An MLP 784 → 1024 → 1024 → 10 with ReLU; its weights of <paramref name="weightBits"/> (the
    /// last layer's 8) and its hidden activations of <paramref name="activationBits"/>.
    /// </summary>
    public static QuantSequential Mlp(bool quantized = true, int weightBits = 8, int activationBits = 8) => Layers.Sequential(Present(new[]
    {
        A(quantized),
        Layers.Linear(784, 1024, weightQuantizer: W(1024, quantized, weightBits)), Layers.ReLU(), A(quantized, activationBits),
        Layers.Linear(1024, 1024, weightQuantizer: W(1024, quantized, weightBits)), Layers.ReLU(), A(quantized, activationBits),
        Layers.Linear(1024, 10, weightQuantizer: W(10, quantized)), A(quantized),
    }));

    /// <summary>
    /// The MLP with product-quantised weights (iPQ, <see cref="Quant.ProductQuantizer"/>): every layer's
    /// weight as blocks of <paramref name="blockSize"/> consecutive inputs, each one of
    /// <paramref name="centroids"/> float centroids (16 of d = 4: one bit a weight); float activations.
    /// </summary>
    public static QuantSequential CodebookMlp(int centroids = 16, int blockSize = 4) => Layers.Sequential(
        Layers.Linear(784, 1024, weightQuantizer: Quant.ProductQuantizer(blockSize, centroids, seed: 1)), Layers.ReLU(),
        Layers.Linear(1024, 1024, weightQuantizer: Quant.ProductQuantizer(blockSize, centroids, seed: 2)), Layers.ReLU(),
        Layers.Linear(1024, 10, weightQuantizer: Quant.ProductQuantizer(blockSize, centroids, seed: 3)));

    /// <summary>
    /// ResNet-18 at 112×112×3, 1000 classes: conv 7×7/2 (64) → max pool 3×3/2 → four stages of two
    /// basic blocks (64, 128, 256, 512 channels; 28, 14, 7, 4 pixels), the first block of stages 2-4
    /// with stride 2 and a 1×1/2 conv + BatchNorm on the shortcut → global average pool → linear.
    /// </summary>
    public static QuantSequential ResNet18(bool quantized = true)
    {
        var layers = new List<nn.Module<Tensor, Tensor>?> { A(quantized) };
        layers.AddRange(ConvBn(3, 64, 7, 2, 3, Layers.ReLU(), quantized));
        layers.Add(Layers.MaxPool2d(3, 2, 1));
        layers.Add(A(quantized));   // same parameters as the quantiser before the pool (see Calibration)
        int c = 64;
        foreach (int cout in new[] { 64, 128, 256, 512 })
        {
            for (int i = 0; i < 2; i++)
            {
                int stride = i == 0 && cout != 64 ? 2 : 1;
                var body = new List<nn.Module<Tensor, Tensor>?>();
                body.AddRange(ConvBn(c, cout, 3, stride, 1, Layers.ReLU(), quantized));
                body.AddRange(ConvBn(cout, cout, 3, 1, 1, null, quantized));
                layers.Add(stride != 1 || c != cout
                    ? Layers.ProjectedResidual(Present(ConvBn(c, cout, 1, stride, 0, null, quantized)), Present(body))
                    : Layers.Residual(Present(body)));
                layers.Add(Layers.ReLU());
                layers.Add(A(quantized));
                c = cout;
            }
        }
        layers.Add(Layers.GlobalAvgPool());
        layers.Add(Layers.Flatten());
        layers.Add(A(quantized));
        layers.Add(Layers.Linear(512, 1000, weightQuantizer: W(1000, quantized)));
        layers.Add(A(quantized));
        return Layers.Sequential(Present(layers));
    }
}
