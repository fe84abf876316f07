using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Bitsmith.Training;
using Bitsmith.Training.Hawq;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// The weight budget of the mixed-precision variants (learned mixed precision, HAWQ-V2, EBS) and
/// what each needs to meet it: by default what the uniform W4A4 variant's weights take,
/// <c>Σ N_l · b_l</c> bits with the first and last layer at 8 bits and the others at 4; or, for the
/// variants with an average, that many bits for every weight (<c>averageBits · Σ N_l</c>).
/// </summary>
internal static class BitBudget
{
    /// <summary>
    /// The budget in bits for the layers of <paramref name="net"/>: W4A4's weights (first and last at 8)
    /// when <paramref name="averageBits"/> is null, else that average over every weight.
    /// </summary>
    public static long WeightBits(QuantSequential net, double? averageBits = null)
    {
        var weights = HawqV2.LayerWeights(net);
        return averageBits is { } b
            ? (long)Math.Floor(b * weights.Sum(w => w.numel()))
            : weights.Select((w, i) => w.numel() * (i == 0 || i == weights.Count - 1 ? 8 : 4)).Sum();
    }

    /// <summary>
    /// W4A4's activation memory in bytes, <c>max_l N_l · b_l / 8</c> (the input of the first and last
    /// layer at 8 bits), for the activation quantisers of <paramref name="net"/> (after one forward).
    /// </summary>
    public static double ActivationBytes(QuantSequential net)
    {
        var acts = MixedQuantizers(net).Where(q => q.Target == QuantTarget.Activations).ToArray();
        return acts.Select((q, i) => q.ElementCount * (i == 0 || i == acts.Length - 1 ? 8 : 4) / 8.0).Max();
    }

    // λ of the quadratic penalties: 10% over the budget costs 1 (about the cross-entropy at the start).
    private static double Lambda(double budget) => 100 / (budget * budget);

    /// <summary>
    /// Learned mixed precision's memory penalties (Uhlich et al.): weight memory against the weight
    /// budget, activation memory against W4A4's.
    /// </summary>
    public static Tensor MixedPenalty(QuantSequential net, double? averageBits)
    {
        var quantizers = MixedQuantizers(net);
        double weightBudget = WeightBits(net, averageBits) / 8.0, activationBudget = ActivationBytes(net);
        using var scope = NewDisposeScope();
        Tensor weights = MemoryRegularizer.Penalty(MemoryRegularizer.WeightBytes(quantizers), weightBudget, Lambda(weightBudget));
        Tensor activations = MemoryRegularizer.Penalty(MemoryRegularizer.ActivationBytes(quantizers), activationBudget, Lambda(activationBudget));
        return (weights + activations).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Keeps every mixed-precision quantiser at 8 bits or fewer (the exporter's widest grid), or at its
    /// cap in <paramref name="caps"/>: a range beyond <c>QP(cap) · d</c> is cut back to it.
    /// </summary>
    public static void CapMixed(QuantSequential net, IReadOnlyDictionary<MixedPrecisionQuantizer, int>? caps = null)
    {
        foreach (var q in MixedQuantizers(net).Where(q => q.IsInitialized))
        {
            int cap = caps is not null && caps.TryGetValue(q, out int c) ? c : 8;
            if (q.Bits > cap)
                q.Initialize(q.StepValue, new QuantRange(cap, q.Signed).QP * q.StepValue);
        }
    }

    /// <summary>The weight quantisers' current bits, as caps for <see cref="CapMixed"/>: the last epoch trains at them.</summary>
    public static Dictionary<MixedPrecisionQuantizer, int> WeightBitCaps(QuantSequential net) =>
        MixedQuantizers(net).Where(q => q.Target == QuantTarget.Weights).ToDictionary(q => q, q => q.Bits);

    /// <summary>Caps at 8 bits and snaps each range to its grid, so the exported clip is the trained one.</summary>
    public static void FinishMixed(QuantSequential net)
    {
        CapMixed(net);
        foreach (var q in MixedQuantizers(net))
            q.SnapRangeToGrid();
    }

    /// <summary>
    /// Holds learned mixed precision to its weight budget: the memory penalty is soft, so the learned
    /// bits may end above it. While they do, the layer with the most bits (of those, the most weights)
    /// loses one bit, its range cut to the narrower grid. Called before the last epoch, which then
    /// trains with the weight bits capped at the fitted ones. Returns how many bits were taken away.
    /// </summary>
    public static int FitMixedToBudget(QuantSequential net, double? averageBits)
    {
        var layers = net.modules().Select(m => m switch
        {
            QuantConv2d { WeightTransform: MixedPrecisionQuantizer q } c => (Quantizer: q, Weights: c.weight.numel()),
            QuantLinear { WeightTransform: MixedPrecisionQuantizer q } l => (Quantizer: q, Weights: l.weight.numel()),
            _ => (Quantizer: (MixedPrecisionQuantizer)null!, Weights: 0L),
        }).Where(l => l.Quantizer is not null).ToArray();
        long budget = WeightBits(net, averageBits);
        int removed = 0;
        while (layers.Sum(l => l.Weights * l.Quantizer.Bits) > budget)
        {
            var (q, _) = layers.Where(l => l.Quantizer.Bits > 2)
                .OrderByDescending(l => l.Quantizer.Bits).ThenByDescending(l => l.Weights).FirstOrDefault();
            if (q is null)
                break;
            int before = q.Bits;
            q.Initialize(q.StepValue, new QuantRange(before - 1, q.Signed).QP * q.StepValue);
            if (q.Bits >= before)
                break;   // the range bounds left no narrower grid at this step
            removed++;
        }
        return removed;
    }

    /// <summary>
    /// EBS's size penalty: the expected weight bytes <c>Σ N_l · E[b_l] / 8</c> held <em>at</em> the weight
    /// budget, from both sides (<see cref="MemoryRegularizer.TargetPenalty"/>). Only above it, the search
    /// ended at 2 bits everywhere with a third of the budget unused (the deeper network at 3 and 2.5 bits).
    /// </summary>
    public static Tensor EbsPenalty(QuantSequential net, double? averageBits)
    {
        double budget = WeightBits(net, averageBits) / 8.0;
        using var scope = NewDisposeScope();
        Tensor bytes = EbsExpectedBytes(net);
        return MemoryRegularizer.TargetPenalty(bytes, budget, Lambda(budget)).MoveToOuterDisposeScope();
    }

    /// <summary>The expected weight bytes <c>Σ N_l · E[b_l] / 8</c> of the EBS search (a one-element tensor).</summary>
    public static Tensor EbsExpectedBytes(QuantSequential net)
    {
        using var scope = NewDisposeScope();
        return EbsLayers(net).Select(l => l.Quantizer.expectedBitwidth() * (l.Weights / 8.0)).Aggregate((a, b) => a + b).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Ends the EBS search: per layer the candidate of the largest strength, as
    /// <see cref="EbsQuantizer.Select"/> takes it, but within the budget — the assignment of the
    /// highest joint probability <c>Π_l softmax(α_l)_b</c> whose <c>Σ N_l · b_l</c> fits (exact, by
    /// <see cref="BitAllocation.Solve"/> on the costs <c>-log p</c>); the argmax itself when it fits.
    /// Returns the chosen weight bitwidths in layer order.
    /// </summary>
    public static int[] SelectEbs(QuantSequential net, double? averageBits)
    {
        var layers = EbsLayers(net).ToArray();
        int[] candidates = layers[0].Quantizer.Bitwidths.ToArray();
        double[][] cost;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
            cost = layers.Select(l => l.Quantizer.probabilities().to_type(ScalarType.Float64).data<double>().Select(p => -Math.Log(p)).ToArray()).ToArray();
        int[] bits = BitAllocation.Solve(cost, layers.Select(l => l.Weights).ToArray(), candidates, WeightBits(net, averageBits));
        using (var noGrad = no_grad())
        {
            for (int i = 0; i < layers.Length; i++)
            {
                // Make the budgeted choice the argmax, so Select fixes it.
                using var scope = NewDisposeScope();
                var alpha = layers[i].Quantizer.alpha;
                int chosen = Array.IndexOf(candidates, bits[i]);
                if (alpha.argmax().item<long>() != chosen)
                    alpha[chosen] = alpha.max() + 1;
            }
        }
        foreach (var q in net.modules().OfType<EbsQuantizer>())
            q.Select();
        return layers.Select(l => l.Quantizer.Range.Bits).ToArray();
    }

    /// <summary>
    /// HAWQ-V2's allocation over {2, 3, 4, 8} within the budget, from the trained fp32 model's Hessian
    /// traces on a calibration batch of <paramref name="images"/> (eval mode: BatchNorm's running
    /// statistics), as <see cref="HawqV2.Allocate"/>; a negative trace estimate counts as 0, with a warning.
    /// </summary>
    public static int[] HawqBits(QuantSequential fp32, Tensor images, Tensor labels, int samples, int seed, double? averageBits)
    {
        fp32.eval();
        var weights = HawqV2.LayerWeights(fp32);
        double[] estimates = HutchinsonTrace.Estimate(() => nn.functional.cross_entropy(fp32.forward(images), labels), weights, samples,
            new Generator((ulong)seed));
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine("  Hessian traces per layer: " + string.Join(", ", estimates.Select(t => t.ToString("G4", inv))));
        var (traces, negative) = HawqSensitivity.ClampNegative(estimates);
        foreach (int i in negative)
            Console.WriteLine(string.Format(inv, "  warning: layer {0}'s trace estimate {1:G4} is negative, estimator noise around a flat layer " +
                "(more --hawq-samples average it out): counted as 0", i, estimates[i]));
        double[][] cost = HawqSensitivity.Table(traces, weights, HawqV2.DefaultCandidates);
        return BitAllocation.Solve(cost, weights.Select(w => w.numel()).ToArray(), HawqV2.DefaultCandidates, WeightBits(fp32, averageBits));
    }

    /// <summary>Σ N_l · b_l of the weight quantisers' current bitwidths, in bits (for the log).</summary>
    public static long QuantizedWeightBits(QuantSequential net) =>
        net.modules().Sum(m => m switch
        {
            QuantConv2d { WeightTransform: IUniformQuantizer q } c => c.weight.numel() * q.Range.Bits,
            QuantLinear { WeightTransform: IUniformQuantizer q } l => l.weight.numel() * q.Range.Bits,
            _ => 0L,
        });

    /// <summary>A line for the log: the weight bitwidths per layer and the bits against the budget.</summary>
    public static string Describe(QuantSequential net, IEnumerable<int> bits, double? averageBits) => string.Format(CultureInfo.InvariantCulture,
        "weight bits per layer [{0}]: {1:N0} of {2:N0} budget bits", string.Join(", ", bits), QuantizedWeightBits(net), WeightBits(net, averageBits));

    /// <summary>A line for the log after each epoch of learned mixed precision: its weight and activation bits.</summary>
    public static string DescribeMixed(QuantSequential net, double? averageBits)
    {
        var quantizers = MixedQuantizers(net);
        return Describe(net, quantizers.Where(q => q.Target == QuantTarget.Weights).Select(q => q.Bits), averageBits) +
            $"; activation bits [{string.Join(", ", quantizers.Where(q => q.Target == QuantTarget.Activations).Select(q => q.Bits))}]";
    }

    /// <summary>A line for the log during the EBS search: each layer's expected bits, and the expected bits against the budget.</summary>
    public static string DescribeEbsSearch(QuantSequential net, double? averageBits)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var expected = EbsLayers(net).Select(l => l.Quantizer.expectedBitwidth().item<float>()).ToArray();
        return string.Format(CultureInfo.InvariantCulture, "search: expected weight bits per layer [{0}]: {1:N0} of {2:N0} budget bits",
            string.Join(", ", expected.Select(b => b.ToString("F2", CultureInfo.InvariantCulture))),
            EbsExpectedBytes(net).item<float>() * 8, WeightBits(net, averageBits));
    }

    private static MixedPrecisionQuantizer[] MixedQuantizers(QuantSequential net) => net.modules().OfType<MixedPrecisionQuantizer>().ToArray();

    private static IEnumerable<(EbsQuantizer Quantizer, long Weights)> EbsLayers(QuantSequential net) =>
        net.modules().Select(m => m switch
        {
            QuantConv2d { WeightTransform: EbsQuantizer q } c => (q, c.weight.numel()),
            QuantLinear { WeightTransform: EbsQuantizer q } l => (q, l.weight.numel()),
            _ => ((EbsQuantizer)null!, 0L),
        }).Where(l => l.Item1 is not null);
}
