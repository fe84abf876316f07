using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Bitsmith.Training.Hawq;

/// <summary>
/// HAWQ-V2's sensitivity of layer i at bitwidth b: <c>Ω_i(b) = (Tr(H_i) / n_i) · ‖Q_b(W_i) - W_i‖²</c>,
/// with <c>Q_b</c> the symmetric signed min-max quantiser <c>s = max|W| / (2^(b-1) - 1)</c>,
/// <c>Q_b(W) = round(W / s) · s</c>.
/// </summary>
public static class HawqSensitivity
{
    /// <summary><c>Q_b(W)</c> (no gradient).</summary>
    public static Tensor QuantizeSymmetric(Tensor w, int bits)
    {
        var range = new QuantRange(bits, signed: true);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = w.detach();
        double maxAbs = x.abs().max().to_type(ScalarType.Float64).item<double>();
        if (maxAbs == 0) return zeros_like(x).MoveToOuterDisposeScope();
        double s = maxAbs / range.QP;
        return ((x / s).round() * s).MoveToOuterDisposeScope();
    }

    /// <summary><c>Ω(b) = (trace / n) · ‖Q_b(W) - W‖²</c>.</summary>
    public static double Omega(double trace, Tensor weight, int bits)
    {
        using var scope = NewDisposeScope();
        Tensor w = weight.detach().to_type(ScalarType.Float64);
        double error = (QuantizeSymmetric(w, bits) - w).square().sum().item<double>();
        return trace / weight.numel() * error;
    }

    /// <summary>The table <c>Ω_i(candidates[j])</c> for every layer i, as <see cref="BitAllocation.Solve"/> takes it.</summary>
    public static double[][] Table(IReadOnlyList<double> traces, IReadOnlyList<Tensor> weights, IReadOnlyList<int> candidates)
    {
        if (traces.Count != weights.Count)
            throw new ArgumentException($"{traces.Count} traces for {weights.Count} weights.", nameof(traces));
        return weights.Select((w, i) => candidates.Select(b => Omega(traces[i], w, b)).ToArray()).ToArray();
    }
}
