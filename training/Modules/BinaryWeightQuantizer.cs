using System;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// Binary weights ±s (XNOR-Net, Rastegari et al. 2016): <c>ŵ = s · sign(w)</c> with
/// <c>s = mean|w|</c> over the layer (the scale that minimises <c>‖w - s·sign(w)‖²</c>) and
/// <c>sign(0) = +1</c>. Backward: sign is straight-through (gradient 1); <c>s</c> is differentiated
/// exactly, so <c>∂ŵ_i/∂w_j = s·δ_ij + sign(w_i)·∂|w_j|/∂w_j / n</c> (the last factor 0 at
/// <c>w_j = 0</c>, as autograd's |·|).
/// <para>
/// The levels are ±1, which the 2-bit signed grid holds (<see cref="Range"/>): the exporter writes
/// them exactly; a deployed model stores 1 bit per weight.
/// </para>
/// </summary>
public sealed class BinaryWeightQuantizer : Module<Tensor, Tensor>, IUniformQuantizer
{
    // s of the last forward (a float buffer, saved with the model); 0 before the first.
    [ComponentName(Name = "scale")]
    private Tensor _scale;

    internal BinaryWeightQuantizer() : base(nameof(BinaryWeightQuantizer))
    {
        _scale = zeros(1);
        RegisterComponents();
    }

    /// <summary>The grid that holds the levels ±1.</summary>
    public QuantRange Range => new(2, signed: true);

    public QuantTarget Target => QuantTarget.Weights;

    public bool IsInitialized => StepValue > 0;

    /// <summary>The scale <c>s</c> of the last forward pass.</summary>
    public double StepValue => _scale.to_type(ScalarType.Float64).item<double>();

    public double OffsetValue => 0.0;

    /// <summary>The levels are ±1 only.</summary>
    public long LowestLevel => -1;

    /// <summary>The levels <c>sign(x)</c>, with <c>sign(0) = +1</c> (no gradient).</summary>
    public Tensor quantize(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Sign(x.detach()).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor w)
    {
        using var scope = NewDisposeScope();
        Tensor s = w.abs().mean();
        using (no_grad())
            _scale.copy_(s.detach().reshape(1));
        Tensor sign = w + (Sign(w.detach()) - w).detach();
        return (s * sign).MoveToOuterDisposeScope();
    }

    private static Tensor Sign(Tensor x) => where(x >= 0, ones_like(x), -ones_like(x));
}
