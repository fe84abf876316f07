using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Training.Model;
using static TorchSharp.torch;

namespace Bitsmith.Training.Modules;

/// <summary>
/// iPQ over a whole network: the layers with a <see cref="ProductQuantizer"/> are quantised one at
/// a time, in order, with fine-tuning after each, so the later layers (still in float, with
/// Quant-Noise) and the centroids of the earlier ones adapt to each step's error.
/// </summary>
public static class ProductQuantization
{
    /// <summary>The weight and its quantiser of every iPQ layer of <paramref name="model"/>, in order.</summary>
    public static IReadOnlyList<(Tensor Weight, ProductQuantizer Quantizer)> Layers(nn.Module model) =>
        model.modules().Select(m => m switch
        {
            QuantLinear l when l.WeightTransform is ProductQuantizer q => ((Tensor)l.weight, q),
            QuantConv2d c when c.WeightTransform is ProductQuantizer q => ((Tensor)c.weight, q),
            _ => ((Tensor, ProductQuantizer)?)null,
        }).Where(p => p != null).Select(p => p!.Value).ToArray();

    /// <summary>
    /// Fits each iPQ layer's codebook in turn, calling <paramref name="fineTune"/> (with the index of
    /// the layer just quantised) after each: train the whole network there, the centroids included.
    /// Layers already fitted (a resumed run) are skipped.
    /// </summary>
    public static void QuantizeLayers(nn.Module model, Action<int>? fineTune = null)
    {
        var layers = Layers(model);
        if (layers.Count == 0)
            throw new ArgumentException("The model has no layer with a ProductQuantizer.", nameof(model));
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Quantizer.IsFitted)
                continue;
            layers[i].Quantizer.Fit(layers[i].Weight);
            fineTune?.Invoke(i);
        }
    }
}
