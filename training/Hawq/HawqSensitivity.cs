using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Training.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Training.Hawq;

/// <summary>
/// HAWQ-V2's sensitivity of layer i at bitwidth b: <c>Ω_i(b) = (Tr(H_i) / n_i) · ‖Q_b(W_i) - W_i‖²</c>,
/// with <c>Q_b</c> the quantiser the layer will be trained with: LSQ+'s signed weight quantiser as it
/// starts at b bits (<c>s = max(|μ - 3σ|, |μ + 3σ|) / 2^(b-1)</c>,
/// <c>Q_b(W) = round(clamp(W / s, -QN, QP)) · s</c>), so the allocation weighs the error training
/// actually starts from, clipping included.
/// </summary>
public static class HawqSensitivity
{
    /// <summary><c>Q_b(W)</c> by LSQ+'s initial weight quantiser (no gradient).</summary>
    public static Tensor Quantize(Tensor w, int bits)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var q = Quant.LsqPlus(bits, QuantTarget.Weights);
        Tensor x = w.detach().to_type(ScalarType.Float32);
        q.InitializeFrom(x);
        q.eval();
        return q.forward(x).to_type(w.dtype).MoveToOuterDisposeScope();
    }

    /// <summary><c>Ω(b) = (trace / n) · ‖Q_b(W) - W‖²</c>; the trace must not be negative (see <see cref="ClampNegative"/>).</summary>
    public static double Omega(double trace, Tensor weight, int bits)
    {
        if (!(trace >= 0))
            throw new ArgumentOutOfRangeException(nameof(trace), trace, "A Hessian trace for the sensitivity must be 0 or more (see ClampNegative).");
        using var scope = NewDisposeScope();
        Tensor w = weight.detach().to_type(ScalarType.Float64);
        double error = (Quantize(weight, bits).to_type(ScalarType.Float64) - w).square().sum().item<double>();
        return trace / weight.numel() * error;
    }

    /// <summary>
    /// Hutchinson's estimate of a small trace can come out negative, which would make quantisation
    /// error look like a gain. Such a trace is estimator noise around a flat layer: it becomes 0 (the
    /// layer counts as insensitive), and the layers it happened to are returned, for a warning.
    /// </summary>
    public static (double[] Traces, int[] NegativeLayers) ClampNegative(IReadOnlyList<double> traces) =>
        (traces.Select(t => Math.Max(t, 0)).ToArray(), Enumerable.Range(0, traces.Count).Where(i => traces[i] < 0).ToArray());

    /// <summary>The table <c>Ω_i(candidates[j])</c> for every layer i, as <see cref="BitAllocation.Solve"/> takes it.</summary>
    public static double[][] Table(IReadOnlyList<double> traces, IReadOnlyList<Tensor> weights, IReadOnlyList<int> candidates)
    {
        if (traces.Count != weights.Count)
            throw new ArgumentException($"{traces.Count} traces for {weights.Count} weights.", nameof(traces));
        return weights.Select((w, i) => candidates.Select(b => Omega(traces[i], w, b)).ToArray()).ToArray();
    }
}
