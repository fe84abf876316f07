using System.Collections.Generic;
using Bitsmith.Training.Model;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// A deeper network in the MobileNet style for 28×28 grey images: a 3×3 conv of 16 channels, then
/// five depthwise-separable blocks (depthwise 3×3 - BN - ReLU, pointwise 1×1 - BN - ReLU) to 32, 32,
/// 64, 64 and 128 channels, three of them with stride 2 (28 → 14 → 7 → 4), global average pooling
/// and a linear 128 → 10: 12 weighted layers, about 19k weights. Its depthwise and 1×1 layers have
/// few weights each and are harder to quantise than the plain CNN's, which is what mixed precision is for.
/// Activation quantisers sit before each weighted layer, as in <see cref="FashionCnn"/>.
/// </summary>
internal static class FashionMobileNet
{
    public static QuantSequential Build(Scheme scheme)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        void Act(LayerRole role)
        {
            if (scheme.Activation(role) is { } q)
                layers.Add(Layers.Quantize(q));
        }
        void BnRelu(int channels)
        {
            layers.Add(Layers.BatchNorm2d(channels));
            layers.Add(Layers.ReLU());
        }
        void Separable(int inputs, int outputs, int stride)
        {
            Act(LayerRole.Middle);
            layers.Add(Layers.DepthwiseConv2d(inputs, 3, stride, padding: 1, bias: false,
                weightQuantizer: scheme.Weight(new WeightSlot(LayerRole.Middle, 9, inputs * 9L))));
            BnRelu(inputs);
            Act(LayerRole.Middle);
            layers.Add(Layers.Conv2d(inputs, outputs, 1, bias: false,
                weightQuantizer: scheme.Weight(new WeightSlot(LayerRole.Middle, 1, (long)inputs * outputs))));
            BnRelu(outputs);
        }
        Act(LayerRole.First);
        layers.Add(Layers.Conv2d(1, 16, 3, padding: 1, bias: false, weightQuantizer: scheme.Weight(new WeightSlot(LayerRole.First, 9, 16 * 9))));
        BnRelu(16);
        Separable(16, 32, 2);
        Separable(32, 32, 1);
        Separable(32, 64, 2);
        Separable(64, 64, 1);
        Separable(64, 128, 2);
        layers.Add(Layers.GlobalAvgPool());
        layers.Add(Layers.Flatten());
        Act(LayerRole.Last);
        layers.Add(Layers.Linear(128, FashionCnn.Classes, weightQuantizer: scheme.Weight(new WeightSlot(LayerRole.Last, 1, 128 * FashionCnn.Classes))));
        return Layers.Sequential(layers.ToArray());
    }
}
