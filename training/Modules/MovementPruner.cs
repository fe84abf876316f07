using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// Movement pruning (Sanh et al., NeurIPS 2020): learned scores <c>S</c> beside the weight, the mask
/// keeps the top <c>v</c> of the scores, and the forward pass uses <c>W ⊙ M</c> (then the inner
/// quantiser, if any). The mask is straight-through for the scores:
/// <code>
///   M = Top_v(S),   ∂L/∂S = (∂L/∂W') ⊙ W   where W' = W ⊙ M,   ∂L/∂W = (∂L/∂W') ⊙ M
/// </code>
/// so an SGD step <c>S ← S - η (∂L/∂W') ⊙ W</c> accumulates the movement of each weight away from
/// zero, whether it is kept or not. The scores start at 0; <see cref="KeepFraction"/> is set by the
/// training loop (<see cref="CubicSparsitySchedule"/>).
/// </summary>
public sealed class MovementPruner : Module<Tensor, Tensor>, IPrunedWeight, IWeightBound
{
    private readonly Module<Tensor, Tensor>? _inner;
    private Parameter? _scores;
    private double _keep = 1;

    internal MovementPruner(Module<Tensor, Tensor>? inner) : base(nameof(MovementPruner))
    {
        _inner = inner;
        if (inner != null)
            register_module("inner", inner);
    }

    public double KeepFraction
    {
        get => _keep;
        set { TopKMask.RequireKeep(value); _keep = value; }
    }

    public IUniformQuantizer? Inner => _inner as IUniformQuantizer;

    /// <summary>The scores <c>S</c>, shaped like the weight.</summary>
    public Parameter scores => _scores ?? throw new InvalidOperationException("The pruner is not attached to a layer.");

    void IWeightBound.Bind(Tensor weight)
    {
        if (_scores is not null)
            throw new InvalidOperationException("A pruner belongs to one layer.");
        _scores = zeros_like(weight).AsParameter();
        register_parameter("scores", _scores);
    }

    /// <summary>The current mask <c>Top_v(S)</c>.</summary>
    public Tensor Mask() => TopKMask.Of(scores, _keep);

    public Tensor Prune(Tensor weight)
    {
        using var noGrad = no_grad();
        using var mask = Mask();
        return weight.detach() * mask;
    }

    public override Tensor forward(Tensor w)
    {
        using var scope = NewDisposeScope();
        // Forward M, backward the identity into S.
        Tensor m = Mask() + (scores - scores.detach());
        Tensor pruned = w * m;
        return (_inner is null ? pruned : _inner.forward(pruned)).MoveToOuterDisposeScope();
    }
}
