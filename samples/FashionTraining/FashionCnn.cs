using System.Collections.Generic;
using Bitsmith.Training;
using Bitsmith.Training.Model;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>How a variant quantises: a factory per weighted layer and per activation point (null = float).</summary>
internal sealed record Scheme(
    System.Func<LayerRole, nn.Module<Tensor, Tensor>?> Weight,
    System.Func<LayerRole, nn.Module<Tensor, Tensor>?> Activation);

/// <summary>Where a layer sits: LSQ and most methods keep the first and last layer at 8 bits.</summary>
internal enum LayerRole { First, Middle, Last }

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
            layers.Add(Layers.Conv2d(inputs, outputs, 3, padding: 1, bias: false, weightQuantizer: scheme.Weight(role)));
            layers.Add(Layers.BatchNorm2d(outputs));
            layers.Add(Layers.ReLU());
            layers.Add(Layers.MaxPool2d(2));
        }
        Block(1, 32, LayerRole.First);
        Block(32, 64, LayerRole.Middle);
        Block(64, 64, LayerRole.Middle);
        layers.Add(Layers.Flatten());
        Act(LayerRole.Last);
        layers.Add(Layers.Linear(64 * 3 * 3, Classes, weightQuantizer: scheme.Weight(LayerRole.Last)));
        return Layers.Sequential(layers.ToArray());
    }
}
