using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>A point in the network where activations are quantised (an LSQ or LSQ+ activation quantiser).</summary>
public sealed class ActivationQuant : nn.Module<Tensor, Tensor>
{
    [TorchSharp.Utils.ComponentName(Name = "quantizer")]
    private nn.Module<Tensor, Tensor> _quantizer;

    internal ActivationQuant(nn.Module<Tensor, Tensor> quantizer) : base(nameof(ActivationQuant))
    {
        if (quantizer is not IUniformQuantizer { Target: QuantTarget.Activations })
            throw new System.ArgumentException("An activation quantiser (LSQ or LSQ+, QuantTarget.Activations) is needed.", nameof(quantizer));
        _quantizer = quantizer;
        RegisterComponents();
    }

    /// <summary>The quantiser.</summary>
    public IUniformQuantizer Quantizer => (IUniformQuantizer)_quantizer;

    public override Tensor forward(Tensor x) => _quantizer.forward(x);
}
