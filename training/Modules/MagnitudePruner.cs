using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// Magnitude pruning, the baseline of movement pruning: the mask keeps the top <c>v</c> of
/// <c>|W|</c>, recomputed every forward pass; the forward pass uses <c>W ⊙ M</c> (then the inner
/// quantiser, if any) and the kept weights get their true gradients. Same schedule as
/// <see cref="MovementPruner"/>.
/// </summary>
public sealed class MagnitudePruner : Module<Tensor, Tensor>, IPrunedWeight
{
    private readonly Module<Tensor, Tensor>? _inner;
    private double _keep = 1;

    internal MagnitudePruner(Module<Tensor, Tensor>? inner) : base(nameof(MagnitudePruner))
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

    /// <summary>The mask <c>Top_v(|W|)</c>.</summary>
    public Tensor Mask(Tensor weight)
    {
        using var scope = NewDisposeScope();
        return TopKMask.Of(weight.detach().abs(), _keep).MoveToOuterDisposeScope();
    }

    public Tensor Prune(Tensor weight)
    {
        using var noGrad = no_grad();
        using var mask = Mask(weight);
        return weight.detach() * mask;
    }

    public override Tensor forward(Tensor w)
    {
        using var scope = NewDisposeScope();
        Tensor pruned = w * Mask(w);
        return (_inner is null ? pruned : _inner.forward(pruned)).MoveToOuterDisposeScope();
    }
}
