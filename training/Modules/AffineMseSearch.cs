using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Bitsmith.Training.Modules;

/// <summary>
/// Finds the step <c>s</c> and offset <c>β</c> of an affine uniform quantiser
/// <c>x̂ = clamp(round((x - β) / s), -QN, QP) · s + β</c> that minimise <c>mean((x - x̂)²)</c> on a
/// calibration tensor: LSQ+'s initialisation for activations.
/// <para>
/// Two stages. A grid over clipping ranges <c>[a, b]</c> inside <c>[min x, max x]</c> (each end moved
/// inwards in steps of (max - min) / <see cref="GridSteps"/>; <c>s = (b - a) / (QN + QP)</c>, and the
/// lowest level sits on <c>a</c>) finds the basin; then alternating least squares refines it: with
/// the levels fixed, the best <c>(s, β)</c> is the linear regression of x on the levels; with
/// <c>(s, β)</c> fixed, the best levels are the rounded, clamped ones. Each half-step can only lower
/// the error, so the refinement stops at a local minimum no worse than the best grid point.
/// </para>
/// <para>
/// A batch of more than <see cref="MaxSamples"/> values is searched on a seeded random sample of
/// that many (a 1.6M-value batch would take seconds; the optimum on the sample is as good an
/// initial value). Minimum and maximum are always those of the whole batch.
/// </para>
/// </summary>
internal static class AffineMseSearch
{
    public const int GridSteps = 32;
    public const int MaxSamples = 1 << 14;
    private const ulong SampleSeed = 0x5eed;
    private const int GridBlock = 64;
    private const int MaxRefinements = 100;

    public static (double Step, double Offset, double Mse) Fit(Tensor calibration, QuantRange range)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = calibration.detach().flatten().to_type(ScalarType.Float64).cpu();
        if (x.numel() == 0) throw new ArgumentException("The calibration tensor is empty.", nameof(calibration));

        double lo = x.min().item<double>(), hi = x.max().item<double>();
        if (!double.IsFinite(lo) || !double.IsFinite(hi))
            throw new ArgumentException("The calibration tensor holds a NaN or an infinity.", nameof(calibration));
        if (!(hi > lo))
        {
            // Every value equal: make it a level, with the offset a whole number of steps (LSQ+ trains it on that grid).
            if (lo == 0) return (1.0 / range.Steps, 0.0, 0.0);
            if (lo > 0) return (lo / range.QP, 0.0, 0.0);
            return range.QN > 0 ? (-lo / range.QN, 0.0, 0.0) : (-lo / range.QP, lo, 0.0);
        }

        // A seeded random sample: a stride could fall in step with a pattern of the batch (a spatial
        // size it divides) and see only one position of each image.
        if (x.numel() > MaxSamples)
            x = x.index_select(0, randperm(x.numel(), generator: new Generator(SampleSeed)).narrow(0, 0, MaxSamples)).contiguous();

        // Stage 1: the grid, evaluated a block of candidates at a time ([candidates, values] tensors).
        var steps = new List<double>();
        var offsets = new List<double>();
        double delta = (hi - lo) / GridSteps;
        for (int i = 0; i < GridSteps; i++)
        {
            for (int j = 0; i + j < GridSteps; j++)
            {
                double a = lo + i * delta, b = hi - j * delta, s = (b - a) / range.Steps;
                steps.Add(s);
                offsets.Add(a + range.QN * s);
            }
        }
        double bestStep = 0, bestOffset = 0, bestMse = double.PositiveInfinity;
        Tensor row = x.unsqueeze(0);
        for (int start = 0; start < steps.Count; start += GridBlock)
        {
            using var block = NewDisposeScope();
            int count = Math.Min(GridBlock, steps.Count - start);
            Tensor s = tensor(steps.GetRange(start, count).ToArray(), ScalarType.Float64).unsqueeze(1);
            Tensor beta = tensor(offsets.GetRange(start, count).ToArray(), ScalarType.Float64).unsqueeze(1);
            Tensor levels = clamp(((row - beta) / s).round(), -range.QN, range.QP);
            double[] mse = (levels * s + beta - row).square().mean(new long[] { 1 }).data<double>().ToArray();
            for (int k = 0; k < count; k++)
                if (mse[k] < bestMse) (bestStep, bestOffset, bestMse) = (steps[start + k], offsets[start + k], mse[k]);
        }

        // Stage 2: alternating least squares.
        for (int iteration = 0; iteration < MaxRefinements; iteration++)
        {
            using var step = NewDisposeScope();
            Tensor levels = Levels(x, bestStep, bestOffset, range);
            Tensor centredLevels = levels - levels.mean();
            double variance = centredLevels.square().mean().item<double>();
            if (!(variance > 0)) break;
            double s = (centredLevels * (x - x.mean())).mean().item<double>() / variance;
            if (!(s > 0)) break;
            double beta = x.mean().item<double>() - s * levels.mean().item<double>();
            double mse = Mse(x, s, beta, range);
            if (!(mse < bestMse * (1 - 1e-9))) break;
            (bestStep, bestOffset, bestMse) = (s, beta, mse);
        }
        return (bestStep, bestOffset, bestMse);
    }

    /// <summary>The mean squared quantisation error of <paramref name="x"/> with step <paramref name="s"/> and offset <paramref name="beta"/>.</summary>
    public static double Mse(Tensor x, double s, double beta, QuantRange range)
    {
        using var scope = NewDisposeScope();
        return (Levels(x, s, beta, range) * s + beta - x).square().mean().item<double>();
    }

    private static Tensor Levels(Tensor x, double s, double beta, QuantRange range)
        => clamp(((x - beta) / s).round(), -range.QN, range.QP);
}
