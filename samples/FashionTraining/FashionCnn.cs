using System.Collections.Generic;
using Bitsmith.Training.Model;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// The CNN for 28×28 grey images, 10 classes: three conv(3×3)-BN-ReLU-maxpool(2) blocks of 32, 64
/// and 64 channels (28 → 14 → 7 → 3), flatten, linear 576 → 10. About 61k weights (240 KB in
/// fp32), 5.7 M multiply-adds per image. Activation quantisers sit before each weighted layer
/// (the input and three post-ReLU points), so every weighted layer reads quantised values.
/// </summary>
internal static class FashionCnn
{
    public const int Size = 28, Classes = 10;

    public static QuantSequential Build(Scheme scheme)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        void Act(LayerRole role)
        {
            if (scheme.Activation(role) is { } q)
                layers.Add(Layers.Quantize(q));
        }
        void Block(int inputs, int outputs, LayerRole role)
        {
            Act(role);
            layers.Add(Layers.Conv2d(inputs, outputs, 3, padding: 1, bias: false,
                weightQuantizer: scheme.Weight(new WeightSlot(role, 9, (long)inputs * outputs * 9))));
            layers.Add(Layers.BatchNorm2d(outputs));
            layers.Add(Layers.ReLU());
            layers.Add(Layers.MaxPool2d(2));
        }
        Block(1, 32, LayerRole.First);
        Block(32, 64, LayerRole.Middle);
        Block(64, 64, LayerRole.Middle);
        layers.Add(Layers.Flatten());
        Act(LayerRole.Last);
        layers.Add(Layers.Linear(64 * 3 * 3, FashionCnn.Classes,
            weightQuantizer: scheme.Weight(new WeightSlot(LayerRole.Last, 1, 64 * 3 * 3 * FashionCnn.Classes))));
        return Layers.Sequential(layers.ToArray());
    }
}
