using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Bitsmith.Training.Hawq;

/// <summary>
/// HAWQ-V2 on a <see cref="QuantSequential"/>: the Hessian trace of every weighted layer
/// (<see cref="HutchinsonTrace"/>), the sensitivities <c>Ω_i(b)</c> (<see cref="HawqSensitivity"/>)
/// and the cheapest bitwidths within the size budget (<see cref="BitAllocation"/>).
/// </summary>
public static class HawqV2
{
    /// <summary>HAWQ-V2's candidate bitwidths.</summary>
    public static IReadOnlyList<int> DefaultCandidates { get; } = new[] { 2, 3, 4, 8 };

    /// <summary>The weights of the model's convolutions and linear layers, in forward order.</summary>
    public static IReadOnlyList<Tensor> LayerWeights(QuantSequential model) =>
        model.modules().Select(m => m switch
        {
            QuantConv2d conv => (Tensor)conv.weight,
            QuantLinear linear => linear.weight,
            _ => null,
        }).OfType<Tensor>().ToArray();

    /// <summary>
    /// One bitwidth per weighted layer (in <see cref="LayerWeights"/> order) minimising
    /// <c>Σ Ω_i(b_i)</c> with <c>Σ n_i b_i ≤ <paramref name="budgetBits"/></c>.
    /// <paramref name="loss"/> evaluates the model on a calibration batch (its mode is the caller's).
    /// A negative trace estimate counts as 0 (<see cref="HawqSensitivity.ClampNegative"/>) and is
    /// reported to <paramref name="negativeTrace"/> (layer index, estimate).
    /// </summary>
    public static int[] Allocate(QuantSequential model, Func<Tensor> loss, long budgetBits, int samples = 64,
        IReadOnlyList<int>? candidates = null, Generator? generator = null, Action<int, double>? negativeTrace = null)
    {
        candidates ??= DefaultCandidates;
        var weights = LayerWeights(model);
        if (weights.Count == 0)
            throw new ArgumentException("The model has no convolution or linear layer.", nameof(model));
        double[] estimates = HutchinsonTrace.Estimate(loss, weights, samples, generator);
        var (traces, negative) = HawqSensitivity.ClampNegative(estimates);
        foreach (int i in negative)
            negativeTrace?.Invoke(i, estimates[i]);
        double[][] cost = HawqSensitivity.Table(traces, weights, candidates);
        return BitAllocation.Solve(cost, weights.Select(w => w.numel()).ToArray(), candidates, budgetBits);
    }
}
