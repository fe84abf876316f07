using System;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>A fully connected layer whose weight may pass through a quantiser: <c>y = x · Q_w(W)ᵀ + b</c>.</summary>
public sealed class QuantLinear : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private Parameter _weight;

    [ComponentName(Name = "bias")]
    private Parameter? _bias;

    [ComponentName(Name = "weight_quantizer")]
    private nn.Module<Tensor, Tensor>? _weightQuantizer;

    internal QuantLinear(int inFeatures, int outFeatures, bool bias, nn.Module<Tensor, Tensor>? weightQuantizer) : base(nameof(QuantLinear))
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), "Feature counts must be positive.");
        Layers.RequireWeightQuantizer(weightQuantizer);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double bound = 1.0 / Math.Sqrt(inFeatures);
        _weight = ((rand(outFeatures, inFeatures) * 2 - 1) * bound).AsParameter();
        _bias = bias ? ((rand(outFeatures) * 2 - 1) * bound).AsParameter() : null;
        _weightQuantizer = weightQuantizer;
        (weightQuantizer as IWeightBound)?.Bind(_weight);
        RegisterComponents();
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }

    /// <summary>The float weight [out, in].</summary>
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
        return nn.functional.linear(x, w, _bias);
    }
}
