using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// Soft movement pruning (Sanh et al., NeurIPS 2020): learned scores <c>S</c> as in
/// <see cref="MovementPruner"/>, but the mask keeps every weight whose score passes a threshold
/// instead of a fixed top fraction, and a regulariser <c>λ · mean σ(S)</c> (<see cref="SigmoidMean"/>)
/// pushes the scores down, so the sparsity is learned:
/// <code>
///   M = 1[σ(S) > τ],   forward W ⊙ M,   ∂L/∂S = (∂L/∂W') ⊙ W  (straight-through)
/// </code>
/// The training loop raises <see cref="Threshold"/> τ from 0 to its final value on a cubic schedule
/// (the threshold form of the authors' code). The scores start at 0 (σ = 0.5: every weight kept).
/// <see cref="KeepFraction"/> reports the fraction the threshold keeps; it cannot be set.
/// </summary>
public sealed class SoftMovementPruner : Module<Tensor, Tensor>, IPrunedWeight, IWeightBound
{
    private Parameter? _scores;
    private double _threshold;

    internal SoftMovementPruner() : base(nameof(SoftMovementPruner))
    {
    }

    /// <summary>The threshold τ on σ(S), in [0, 1).</summary>
    public double Threshold
    {
        get => _threshold;
        set => _threshold = value >= 0 && value < 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "τ must be in [0, 1).");
    }

    /// <summary>The scores <c>S</c>, shaped like the weight.</summary>
    public Parameter scores => _scores ?? throw new InvalidOperationException("The pruner is not attached to a layer.");

    /// <summary>The fraction of weights the threshold keeps now.</summary>
    public double KeepFraction
    {
        get
        {
            using var scope = NewDisposeScope();
            return Mask().mean().to_type(ScalarType.Float64).item<double>();
        }
        set => throw new InvalidOperationException("Soft movement pruning keeps what its threshold keeps: set Threshold.");
    }

    /// <summary>Float weights (no quantiser after the mask).</summary>
    public IUniformQuantizer? Inner => null;

    void IWeightBound.Bind(Tensor weight)
    {
        if (_scores is not null)
            throw new InvalidOperationException("A pruner belongs to one layer.");
        _scores = zeros_like(weight).AsParameter();
        register_parameter("scores", _scores);
    }

    /// <summary><c>mean σ(S)</c>, differentiable: the regulariser's term for this layer.</summary>
    public Tensor SigmoidMean() => sigmoid(scores).mean();

    /// <summary>The mask <c>1[σ(S) > τ]</c>.</summary>
    public Tensor Mask()
    {
        using var noGrad = no_grad();
        return sigmoid(scores.detach()).gt(_threshold).to_type(scores.dtype);
    }

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
        return (w * m).MoveToOuterDisposeScope();
    }
}
