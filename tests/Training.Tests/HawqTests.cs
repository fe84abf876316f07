using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Training.Hawq;
using Bitsmith.Training.Model;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

/// <summary>
/// HAWQ-V2: Hutchinson's trace on a quadratic loss with a known Hessian, the sensitivity
/// Ω(b) = (Tr/n)·‖Q_b(W) - W‖² by hand, and the Pareto dynamic programme against brute force.
/// </summary>
public sealed class HawqTests
{
    // L = ½ vᵀ A v with v = [x1 (3 elements); x2 (2 elements)]: the Hessian is A, the blocks' traces 6 and 1.
    private static readonly float[] A =
    {
        2.0f, 0.5f, -0.3f, 0.4f, 0.1f,
        0.5f, 1.0f, 0.2f, -0.6f, 0.3f,
        -0.3f, 0.2f, 3.0f, 0.1f, -0.2f,
        0.4f, -0.6f, 0.1f, 1.5f, 0.7f,
        0.1f, 0.3f, -0.2f, 0.7f, -0.5f,
    };

    private static double[] Traces(float[] a, int samples)
    {
        using var scope = NewDisposeScope();
        Tensor x1 = tensor(new[] { 1f, 2f, 3f }).requires_grad_();
        Tensor x2 = tensor(new[] { -1f, 0.5f }).requires_grad_();
        Tensor matrix = tensor(a, new long[] { 5, 5 });
        Tensor Loss()
        {
            Tensor v = cat(new[] { x1, x2 });
            return 0.5 * v.dot(matrix.mv(v));
        }
        return HutchinsonTrace.Estimate(Loss, new[] { x1, x2 }, samples, new Generator(42));
    }

    [Fact]
    public void TraceOfADiagonalHessianIsExactFromOneSample()
    {
        var diagonal = new float[25];
        float[] d = { 2f, 1f, 3f, 1.5f, -0.5f };
        for (int i = 0; i < 5; i++) diagonal[i * 6] = d[i];
        var traces = Traces(diagonal, 1);
        Assert.Equal(6.0, traces[0], 5);
        Assert.Equal(1.0, traces[1], 5);
    }

    [Fact]
    public void TraceConvergesToTheHessianBlockTraces()
    {
        var traces = Traces(A, 1000);   // the estimate's standard deviation is about 0.05 here
        Assert.InRange(traces[0], 6.0 - 0.2, 6.0 + 0.2);
        Assert.InRange(traces[1], 1.0 - 0.2, 1.0 + 0.2);
        // A few samples are still noisy (cross terms): the average is what converges.
        Assert.NotEqual(6.0, Traces(A, 1)[0], 3);
    }

    [Fact]
    public void SensitivityUsesLsqPlusInitialQuantizer()
    {
        using var scope = NewDisposeScope();
        float[] values = { 0.3f, -1.0f, 0.55f, 0.1f, 0.02f, -0.2f };
        Tensor w = tensor(values);
        // LSQ+'s 3σ step at b bits, then round(clamp(w / s, -QN, QP)) · s: clipping included, unlike min-max.
        double mu = values.Average(v => (double)v);
        double sigma = Math.Sqrt(values.Sum(v => (v - mu) * (v - mu)) / (values.Length - 1));
        double[] Expected(int bits)
        {
            double s = Math.Max(Math.Abs(mu - 3 * sigma), Math.Abs(mu + 3 * sigma)) / (1 << (bits - 1));
            int qn = 1 << (bits - 1), qp = qn - 1;
            return values.Select(v => Math.Clamp(Math.Round(v / s, MidpointRounding.ToEven), -qn, qp) * s).ToArray();
        }
        foreach (int bits in new[] { 2, 3, 4 })
        {
            double[] q = Expected(bits);
            TensorAssert.Close(q, HawqSensitivity.Quantize(w, bits), 1e-5);
            double error = q.Zip(values, (a, v) => (a - v) * (a - v)).Sum();
            Assert.Equal(2.0 / values.Length * error, HawqSensitivity.Omega(2.0, w, bits), 5);
        }
        var table = HawqSensitivity.Table(new[] { 2.0 }, new[] { w }, new[] { 2, 3 });
        Assert.Equal(HawqSensitivity.Omega(2.0, w, 3), table[0][1], 9);
        // At 2 bits the 3σ step clips the largest weight: the error is more than rounding's s/2 per weight.
        Assert.True(HawqSensitivity.Omega(1.0, w, 2) > HawqSensitivity.Omega(1.0, w, 3));
    }

    [Fact]
    public void NegativeTracesCountAsZeroAndAreReported()
    {
        var (traces, negative) = HawqSensitivity.ClampNegative(new[] { 1.5, -0.2, 0.0, -3.0 });

        Assert.Equal(new[] { 1.5, 0.0, 0.0, 0.0 }, traces);
        Assert.Equal(new[] { 1, 3 }, negative);
        using var w = tensor(new[] { 0.5f, -0.5f });
        Assert.Throws<ArgumentOutOfRangeException>(() => HawqSensitivity.Omega(-0.1, w, 2));
    }

    [Fact]
    public void AllocationMatchesBruteForce()
    {
        int[] candidates = { 2, 3, 4, 8 };
        var random = new Random(7);
        for (int instance = 0; instance < 200; instance++)
        {
            int layers = random.Next(1, 6);
            long[] counts = Enumerable.Range(0, layers).Select(_ => (long)random.Next(1, 40)).ToArray();
            // Cost falls with bits, as Ω does, but with random gaps.
            double[][] cost = counts.Select(_ =>
            {
                double c = random.NextDouble() * 10;
                return candidates.Select(_ => c *= random.NextDouble()).ToArray();
            }).ToArray();
            long min = counts.Sum() * 2, max = counts.Sum() * 8;
            long budget = min + (long)(random.NextDouble() * (max - min));

            int[] bits = BitAllocation.Solve(cost, counts, candidates, budget);

            Assert.True(counts.Zip(bits, (n, b) => n * b).Sum() <= budget);
            double best = BruteForce(cost, counts, candidates, budget);
            double got = bits.Select((b, i) => cost[i][Array.IndexOf(candidates, b)]).Sum();
            Assert.Equal(best, got, 9);
        }
    }

    [Fact]
    public void AllocationRejectsAnImpossibleBudget()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            BitAllocation.Solve(new[] { new[] { 1.0, 0.5 } }, new long[] { 10 }, new[] { 2, 4 }, 19));
        Assert.Contains("20", e.Message);
    }

    [Fact]
    public void TraceOfALinearLeastSquaresLayer()
    {
        using var scope = NewDisposeScope();
        // L = mean over N·O of (x Wᵀ - y)²: ∂²L/∂W_ij² = 2/(N·O) Σ_n x_nj², so Tr = (2/N) Σ_n ‖x_n‖².
        // Orthogonal columns of X make the Hessian diagonal and the estimate exact: 2/4 · 14 = 7.
        using var net = Layers.Sequential(Layers.Linear(3, 2, bias: false));
        Tensor x = tensor(new[] { 1f, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0 }, new long[] { 4, 3 });
        Tensor y = ones(4, 2);
        var traces = HutchinsonTrace.Estimate(() => nn.functional.mse_loss(net.call(x), y), HawqV2.LayerWeights(net), 1);
        Assert.Equal(7.0, traces.Single(), 4);
    }

    [Fact]
    public void AllocateOnAModelSpendsTheBudget()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        using var net = Layers.Sequential(Layers.Linear(6, 8), Layers.ReLU(), Layers.Linear(8, 3));
        Tensor x = randn(16, 6);
        Tensor labels = tensor(Enumerable.Range(0, 16).Select(i => (long)(i % 3)).ToArray());
        Tensor Loss() => nn.functional.cross_entropy(net.call(x), labels);
        long n = 6 * 8 + 8 * 3;

        Assert.Equal(new[] { 8, 8 }, HawqV2.Allocate(net, Loss, 8 * n, samples: 8, generator: new Generator(1)));
        Assert.Equal(new[] { 2, 2 }, HawqV2.Allocate(net, Loss, 2 * n, samples: 8, generator: new Generator(1)));
        int[] bits = HawqV2.Allocate(net, Loss, 4 * n, samples: 8, generator: new Generator(1));
        Assert.True(48 * bits[0] + 24 * bits[1] <= 4 * n);
    }

    private static double BruteForce(double[][] cost, long[] counts, int[] candidates, long budget)
    {
        double best = double.PositiveInfinity;
        int layers = counts.Length;
        int combos = (int)Math.Pow(candidates.Length, layers);
        for (int c = 0; c < combos; c++)
        {
            long size = 0;
            double total = 0;
            int code = c;
            for (int i = 0; i < layers; i++, code /= candidates.Length)
            {
                size += counts[i] * candidates[code % candidates.Length];
                total += cost[i][code % candidates.Length];
            }
            if (size <= budget) best = Math.Min(best, total);
        }
        return best;
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
