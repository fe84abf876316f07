using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Bitsmith.Training.Hawq;

/// <summary>
/// Hutchinson's estimator of the trace of each parameter's Hessian block (HAWQ-V2):
/// <c>Tr(H_i) ≈ (1/m) Σ_k z_kᵀ (H z_k)_i</c> with Rademacher <c>z_k</c> (±1 entries). <c>H z</c> is a
/// Hessian-vector product: the gradient of <c>gᵀz</c>, where <c>g</c> is the gradient of the loss
/// built with <c>create_graph</c> (double backward). One draw of <c>z</c> covers every parameter at
/// once: the cross terms <c>z_iᵀ H_ij z_j</c> (i ≠ j) have zero mean, so each block's estimate is
/// unbiased for its own trace.
/// </summary>
public static class HutchinsonTrace
{
    /// <summary>
    /// The estimated <c>Tr(H_i)</c> of <paramref name="loss"/> for each of <paramref name="parameters"/>,
    /// averaged over <paramref name="samples"/> draws. The loss is evaluated once.
    /// </summary>
    public static double[] Estimate(Func<Tensor> loss, IReadOnlyList<Tensor> parameters, int samples, Generator? generator = null)
    {
        if (parameters.Count == 0)
            throw new ArgumentException("No parameters.", nameof(parameters));
        if (samples <= 0)
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "At least one sample is needed.");
        if (parameters.Any(p => !p.requires_grad))
            throw new ArgumentException("Every parameter must require a gradient.", nameof(parameters));

        using var scope = NewDisposeScope();
        Tensor value = loss();
        // retain_graph as PyTorch defaults it with create_graph (TorchSharp does not): the double
        // backward walks back through the first backward's graph, and through the loss's.
        var gradients = autograd.grad(new[] { value }, parameters.ToArray(), retain_graph: true, create_graph: true);
        var sums = new double[parameters.Count];
        for (int k = 0; k < samples; k++)
        {
            using var sampleScope = NewDisposeScope();
            var z = parameters.Select(p => (rand(p.shape, dtype: p.dtype, generator: generator) < 0.5).to_type(p.dtype) * 2 - 1).ToArray();
            Tensor gz = gradients.Zip(z, (g, zi) => (g * zi).sum()).Aggregate((a, b) => a + b);
            var hz = autograd.grad(new[] { gz }, parameters.ToArray(), retain_graph: true);
            for (int i = 0; i < sums.Length; i++)
                sums[i] += (hz[i] * z[i]).sum().to_type(ScalarType.Float64).item<double>();
        }
        return sums.Select(s => s / samples).ToArray();
    }
}
