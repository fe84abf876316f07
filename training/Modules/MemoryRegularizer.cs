using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Bitsmith.Training.Modules;

/// <summary>
/// The memory constraints of learned mixed precision (Uhlich et al.) as penalties differentiable in
/// each quantiser's step and range (through <see cref="MixedPrecisionQuantizer.bitwidth"/>):
/// <code>
///   weight memory      S = Σ_l N_l · b_l / 8            bytes,  penalty λ · max(0, S - S0)²
///   activation memory  A = max_l N_l · b_l / 8          bytes,  penalty λ · max(0, A - A0)²
/// </code>
/// <c>N_l</c> is each quantiser's <see cref="MixedPrecisionQuantizer.ElementCount"/> (weights of the
/// layer; activation elements per sample), known after one forward pass.
/// </summary>
public static class MemoryRegularizer
{
    /// <summary>Σ N_l · b_l / 8 over the weight quantisers, in bytes (a one-element tensor).</summary>
    public static Tensor WeightBytes(IEnumerable<MixedPrecisionQuantizer> quantizers)
    {
        var terms = Require(quantizers, QuantTarget.Weights);
        using var scope = NewDisposeScope();
        Tensor total = terms[0].bitwidth() * (terms[0].ElementCount / 8.0);
        foreach (var q in terms.Skip(1))
            total = total + q.bitwidth() * (q.ElementCount / 8.0);
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>max_l N_l · b_l / 8 over the activation quantisers, in bytes (a one-element tensor).</summary>
    public static Tensor ActivationBytes(IEnumerable<MixedPrecisionQuantizer> quantizers)
    {
        var terms = Require(quantizers, QuantTarget.Activations);
        using var scope = NewDisposeScope();
        return stack(terms.Select(q => q.bitwidth() * (q.ElementCount / 8.0)).ToArray()).max().reshape(1).MoveToOuterDisposeScope();
    }

    /// <summary><c>λ · max(0, bytes - budget)²</c>.</summary>
    public static Tensor Penalty(Tensor bytes, double budgetBytes, double lambda)
    {
        if (!(budgetBytes >= 0) || !(lambda >= 0))
            throw new ArgumentOutOfRangeException(nameof(budgetBytes), "Budget and λ must not be negative.");
        using var scope = NewDisposeScope();
        return ((bytes - budgetBytes).clamp_min(0).square() * lambda).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>λ · (bytes - target)²</c>: two-sided, for a search that should end <em>at</em> its budget
    /// (EBS), not anywhere below it. A one-sided penalty stops pushing once the expected size is under
    /// the budget, and the cross-entropy alone does not pull it back up.
    /// </summary>
    public static Tensor TargetPenalty(Tensor bytes, double targetBytes, double lambda)
    {
        if (!(targetBytes >= 0) || !(lambda >= 0))
            throw new ArgumentOutOfRangeException(nameof(targetBytes), "Target and λ must not be negative.");
        using var scope = NewDisposeScope();
        return ((bytes - targetBytes).square() * lambda).MoveToOuterDisposeScope();
    }

    private static MixedPrecisionQuantizer[] Require(IEnumerable<MixedPrecisionQuantizer> quantizers, QuantTarget target)
    {
        var list = quantizers.Where(q => q.Target == target).ToArray();
        if (list.Length == 0)
            throw new ArgumentException($"No mixed-precision quantiser of {target}.", nameof(quantizers));
        if (list.Any(q => q.ElementCount == 0))
            throw new InvalidOperationException("A quantiser has not seen a tensor yet: run one forward pass before computing its memory.");
        return list;
    }
}
