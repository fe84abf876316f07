using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>
/// A chain of the layers the compiler supports (the types made by <see cref="Layers"/>, plus
/// TorchSharp's <see cref="BatchNorm2d"/>), so that the exporter knows the whole graph. Train it as
/// any TorchSharp module.
/// </summary>
public sealed class QuantSequential : nn.Module<Tensor, Tensor>
{
    private static readonly Type[] Known =
    {
        typeof(QuantConv2d), typeof(QuantLinear), typeof(BatchNorm2d), typeof(Activation), typeof(Pool2d),
        typeof(GlobalAvgPool), typeof(Flatten), typeof(ActivationQuant), typeof(Residual),
    };

    [TorchSharp.Utils.ComponentName(Name = "layers")]
    private ModuleList<nn.Module<Tensor, Tensor>> _layers;

    internal QuantSequential(IEnumerable<nn.Module<Tensor, Tensor>> layers) : base(nameof(QuantSequential))
    {
        var list = layers.ToArray();
        foreach (var layer in list)
        {
            if (!Known.Contains(layer.GetType()))
                throw new ArgumentException($"{layer.GetType().Name} is not a layer the exporter knows; build layers with Bitsmith.Training.Model.Layers.", nameof(layers));
        }
        _layers = nn.ModuleList(list);
        RegisterComponents();
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> Children => _layers.ToArray();

    /// <summary>Every quantiser of the network, weights and activations, nested blocks included.</summary>
    public IEnumerable<IUniformQuantizer> Quantizers() => modules().OfType<IUniformQuantizer>();

    /// <summary>
    /// Rounds every LSQ+ activation offset to a multiple of its step (see
    /// <see cref="Modules.LsqPlusQuantizer.RoundOffsetToStep"/>), the form the exporter writes.
    /// </summary>
    public void RoundOffsetsToStep()
    {
        foreach (var q in modules().OfType<Modules.LsqPlusQuantizer>())
            q.RoundOffsetToStep();
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var layer in _layers)
            x = layer.forward(x);
        return x;
    }
}
