using System.Collections.Generic;
using System.Linq;
using Bitsmith.Training;
using Bitsmith.Training.Model;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// The variants (issue 4 item 4 and issue 10), in the order of the results table: every method on
/// the CNN at the W4 byte budget and the iPQ ratios, movement pruning's transfer setting on the CNN,
/// and the bit allocators at their average budgets on the deeper network ("mobile-" variants).
/// </summary>
internal static class Catalog
{
    public const string Fp32 = "fp32", W4a4 = "w4a4", Source = "source", MobilePrefix = "mobile-";

    /// <summary>The float baseline of <paramref name="net"/>, which its quantised variants start from.</summary>
    public static string Fp32Of(string net) => net == Networks.Mobile ? MobilePrefix + Fp32 : Fp32;

    public static readonly IReadOnlyList<Variant> All = new Variant[]
    {
        new(Fp32, "float baseline", "32", "32", Method.Plain, () => new Scheme(_ => null, _ => null)),
        new("w8a8", "LSQ, all layers 8-bit", "8", "8", Method.Plain, () => Lsq(8, 8)),
        new(W4a4, "LSQ+, first and last layer 8-bit", "4 (8 first/last)", "4 (8 first/last)", Method.Plain, () => LsqPlus(4)),
        new("w2a2", "LSQ+, first and last layer 8-bit", "2 (8 first/last)", "2 (8 first/last)", Method.Plain, () => LsqPlus(2)),
        Mixed(null), Hawq(null), Ebs(null),
        Ipq.Variant("ipq20-qn", 64, 4, 16, Ipq.NoiseRate), Ipq.Variant("ipq20", 64, 4, 16, 0),
        Ipq.Variant("ipq15-qn", 64, 8, 128, Ipq.NoiseRate), Ipq.Variant("ipq15", 64, 8, 128, 0),
        Ipq.Variant("ipq10-qn", 128, 4, 256, Ipq.NoiseRate), Ipq.Variant("ipq10", 128, 4, 256, 0),
        new("movement", "movement pruning to 80% sparsity + int8 (LSQ W8A8)", "8, 20% kept", "8", Method.Pruning, () => Pruned(movement: true)),
        new("magnitude", "magnitude pruning to 80% sparsity + int8 (LSQ W8A8)", "8, 20% kept", "8", Method.Pruning, () => Pruned(movement: false)),
        // Movement pruning's transfer setting: pretrain on classes 0-4, fine-tune and prune on 5-9 (test on 5-9).
        new(Source, "float, pretrained on classes 0-4 (the transfer variants start from it)", "32", "32", Method.Plain,
            () => new Scheme(_ => null, _ => null)) { Classes = ClassSplit.Source },
        new("target-dense", "float, fine-tuned on classes 5-9 without pruning (tested on 5-9)", "32", "32", Method.Plain,
            () => new Scheme(_ => null, _ => null)) { Classes = ClassSplit.Target },
        Transfer(PrunerKind.Movement, 0.10), Transfer(PrunerKind.Movement, 0.05), Transfer(PrunerKind.Movement, 0.03),
        Transfer(PrunerKind.Magnitude, 0.10), Transfer(PrunerKind.Magnitude, 0.05), Transfer(PrunerKind.Magnitude, 0.03),
        SoftTransfer(100, 90), SoftTransfer(200, 95), SoftTransfer(400, 97),
        new("w1a1", "binary weights ±mean|w| (XNOR-Net's weights) with unsigned 1-bit LSQ activations {0, s} after ReLU, not XNOR-Net's sign activations; first and last layer 8-bit LSQ",
            "1 (8 first/last)", "1 (8 first/last)", Method.Plain, Binary),
        // Bit allocation where it matters: the deeper network at budgets between the uniform points.
        OnMobile(new(Fp32, "float baseline of the deeper network", "32", "32", Method.Plain, () => new Scheme(_ => null, _ => null))),
        OnMobile(Uniform(3)), OnMobile(Uniform(2)),
        OnMobile(Mixed(3, fullGrid: true)) with { SearchLearningRate = 5e-4 }, OnMobile(Hawq(3)), OnMobile(Ebs(3)),
        OnMobile(Mixed(2.5, fullGrid: true)) with { SearchLearningRate = 5e-4 }, OnMobile(Hawq(2.5)), OnMobile(Ebs(2.5)),
    };

    private static Variant OnMobile(Variant v) => v with { Name = MobilePrefix + v.Name, Net = Networks.Mobile };

    public static Variant? Find(string name) => All.FirstOrDefault(v => v.Name == name);

    // LSQ as in its paper: signed weights, unsigned activations after ReLU; the input image (in [0, 1]) unsigned too.
    private static Scheme Lsq(int weightBits, int activationBits) => new(
        _ => Quant.Lsq(weightBits, QuantTarget.Weights),
        _ => Quant.Lsq(activationBits, QuantTarget.Activations));

    // LSQ+ with the first and last layer (weights and their input activations) at 8 bits.
    private static Scheme LsqPlus(int bits) => new(
        slot => Quant.LsqPlus(slot.Role == LayerRole.Middle ? bits : 8, QuantTarget.Weights),
        role => Quant.LsqPlus(role == LayerRole.Middle ? bits : 8, QuantTarget.Activations));

    // The allocators' baseline at their average budgets: every weighted layer at the same bits (first and last
    // too, so 3 bits is exactly the b3 budget; 2 bits is 80% of b2.5, the nearest uniform point below it).
    private static Variant Uniform(int bits) => new($"uniform-b{bits}",
        $"LSQ+ at {bits} bits in every weighted layer, first and last too (the allocators' uniform baseline), activations as W4A4",
        $"{bits}", "4 (8 first/last)", Method.Plain, () => new Scheme(
            _ => Quant.LsqPlus(bits, QuantTarget.Weights),
            role => Quant.LsqPlus(role == LayerRole.Middle ? 4 : 8, QuantTarget.Activations)));

    // The budget of the bit allocators: W4A4's weight bits (null), or an average number of bits per weight.
    private static string BudgetName(double? averageBits) => averageBits is { } b
        ? string.Format(System.Globalization.CultureInfo.InvariantCulture, "an average of {0} bits per weight", b)
        : "the W4 byte budget";

    private static string Suffix(double? averageBits) =>
        averageBits is { } b ? string.Format(System.Globalization.CultureInfo.InvariantCulture, "-b{0}", b) : "";

    private static string BudgetLabel(string verb, double? averageBits) => averageBits is { } b
        ? string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}, ≤ {1} average", verb, b)
        : $"{verb}, ≤ W4 budget";

    // Learned mixed precision on weights and activations, starting from W4A4's bits (8 first and last).
    // The weights' grid, like the search rate, is chosen per variant on the validation images: the paper's
    // symmetric one (2^b - 1 levels) on the CNN, the full signed one (2^b levels) on the deeper network,
    // whose largest layers end at 2 bits (docs/bit-allocation.md).
    private static Variant Mixed(double? averageBits, bool fullGrid = false) => new("mixed" + Suffix(averageBits),
        $"learned mixed precision (step + range) with weight and activation memory penalties at {BudgetName(averageBits)}, ≤ 8 bits, " +
        (fullGrid ? "weights on the full signed grid (-2^(b-1) too: 4 levels at 2 bits)" : "weights on the paper's symmetric grid (3 levels at 2 bits)") +
        "; the last epoch trains with each range snapped to its grid",
        BudgetLabel("learned", averageBits), "learned, ≤ 8", Method.Mixed, () => new Scheme(
            slot => Quant.MixedPrecision(QuantTarget.Weights, slot.Role == LayerRole.Middle ? 4 : 8, fullGrid: fullGrid),
            role => Quant.MixedPrecision(QuantTarget.Activations, role == LayerRole.Middle ? 4 : 8)), averageBits);

    // HAWQ-V2's network depends on the trained fp32 model: built from the allocation by HawqScheme.
    private static Variant Hawq(double? averageBits) => new("hawq" + Suffix(averageBits),
        $"HAWQ-V2 allocation over {{2,3,4,8}} from the fp32 Hessian traces (sensitivity by LSQ+'s initial quantiser) at {BudgetName(averageBits)}, then LSQ+",
        BudgetLabel("allocated", averageBits), "4 (8 first/last)", Method.Hawq, null, averageBits);

    // EBS searches the weights' bitwidths; activations as W4A4, since the budget is one of weight bytes.
    private static Variant Ebs(double? averageBits) => new("ebs" + Suffix(averageBits),
        $"EBS search over {{2,3,4,8}} (strengths by SGD, so the size penalty pulls hardest on the largest layers) with a penalty holding the expected size at {BudgetName(averageBits)} (both sides); the most probable bits within the budget, then as many epochs of fine-tuning as the other allocators train",
        BudgetLabel("searched", averageBits), "4 (8 first/last)", Method.Ebs, () => new Scheme(
            _ => Quant.Ebs(QuantTarget.Weights, SearchBits),
            role => Quant.LsqPlus(role == LayerRole.Middle ? 4 : 8, QuantTarget.Activations)), averageBits);

    /// <summary>The bitwidths HAWQ-V2 and EBS choose from.</summary>
    public static readonly int[] SearchBits = { 2, 3, 4, 8 };

    /// <summary>HAWQ-V2's scheme: LSQ+ weights at the allocated bits (one per weighted layer, in order), activations as W4A4.</summary>
    public static Scheme HawqScheme(int[] bits)
    {
        // The networks ask for the weight quantisers once per weighted layer, in forward order.
        int layer = 0;
        return new Scheme(
            _ => Quant.LsqPlus(bits[layer++], QuantTarget.Weights),
            role => Quant.LsqPlus(role == LayerRole.Middle ? 4 : 8, QuantTarget.Activations));
    }

    // Binary middle layers: the weights ±s, their inputs (post-ReLU) on the unsigned 1-bit grid {0, s}.
    private static Scheme Binary() => new(
        slot => slot.Role == LayerRole.Middle ? Quant.BinaryWeights() : Quant.Lsq(8, QuantTarget.Weights),
        role => Quant.Lsq(role == LayerRole.Middle ? 1 : 8, QuantTarget.Activations));

    private enum PrunerKind { Movement, Magnitude }

    // Float weights pruned while fine-tuning on classes 5-9, the cubic schedule down to finalKeep.
    private static Variant Transfer(PrunerKind kind, double finalKeep)
    {
        string name = kind == PrunerKind.Movement ? "movement" : "magnitude";
        int sparsity = (int)System.Math.Round(100 * (1 - finalKeep));
        return new Variant($"{name}-t{sparsity}",
            $"{name} pruning to {sparsity}% sparsity (cubic schedule) while fine-tuning on classes 5-9 from the source model; float weights, tested on 5-9",
            $"32, {100 - sparsity}% kept", "32", Method.Pruning, () => new Scheme(
                _ => kind == PrunerKind.Movement ? Quant.MovementPruning() : Quant.MagnitudePruning(),
                _ => null)) { Classes = ClassSplit.Target, FinalKeep = finalKeep };
    }

    /// <summary>The final threshold on σ(S) of soft movement pruning (the scores start at σ = 0.5).</summary>
    private const double SoftThreshold = 0.1;

    // Soft movement pruning while fine-tuning on classes 5-9: λ decides the sparsity, which is measured, not set.
    private static Variant SoftTransfer(double lambda, int aim) => new($"soft-movement-l{lambda}",
        string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "soft movement pruning (threshold σ(S) > τ rising cubically to {0}, regulariser λ = {1} · mean σ(S)) while fine-tuning on classes 5-9 " +
            "from the source model, λ aimed at about {2}% sparsity (the kept fraction is learned: see the log); float weights, tested on 5-9",
            SoftThreshold, lambda, aim),
        "32, learned mask", "32", Method.Pruning, () => new Scheme(_ => Quant.SoftMovementPruning(), _ => null))
    {
        Classes = ClassSplit.Target, Soft = (SoftThreshold, lambda),
    };

    private static Scheme Pruned(bool movement) => new(
        _ => movement ? Quant.MovementPruning(Quant.Lsq(8, QuantTarget.Weights)) : Quant.MagnitudePruning(Quant.Lsq(8, QuantTarget.Weights)),
        _ => Quant.Lsq(8, QuantTarget.Activations));

    /// <summary>
    /// iPQ variants: 3×3 kernels in blocks of one whole kernel (d = 9, as Stock et al.), 1×1 convolutions
    /// and the linear layer in blocks of 4 or 8 inputs; K per variant for about 20×, 15× and 10× fewer
    /// weight bytes than fp32 on the CNN (ModelSize; 20×, 15.5× and 11×). No layer gets more centroids than half its blocks
    /// (K a power of two), or the codebook would outweigh the indices: so the first conv, quantised
    /// too, has K = 16 for its 32 kernels (592 bytes against 1,152 in float).
    /// </summary>
    internal static class Ipq
    {
        public const int KernelBlock = 9;

        /// <summary>Quant-Noise's rate (the paper recommends 0.05 to 0.2).</summary>
        public const double NoiseRate = 0.1;

        public static Variant Variant(string name, int convCentroids, int linearBlock, int linearCentroids, double noiseRate)
        {
            string noise = noiseRate > 0
                ? string.Format(System.Globalization.CultureInfo.InvariantCulture, "with Quant-Noise (p={0}: blocks replaced by their current centroid)", noiseRate)
                : "without Quant-Noise";
            int convBits = (int)System.Math.Ceiling(System.Math.Log2(convCentroids)), linearBits = (int)System.Math.Ceiling(System.Math.Log2(linearCentroids));
            return new(name,
                $"iPQ, 3×3 kernels d=9 (a whole kernel), 1×1 and linear d={linearBlock}; K={convCentroids} per conv, {linearCentroids} for the linear layer, " +
                $"at most half a layer's blocks (first conv K=16); {noise}",
                $"{convBits}/9 conv, {linearBits}/{linearBlock} linear + codebooks", "32", Method.Ipq,
                () => Scheme(convCentroids, linearBlock, linearCentroids, noiseRate));
        }

        private static Scheme Scheme(int convCentroids, int linearBlock, int linearCentroids, double noiseRate)
        {
            // The networks ask for the weight quantisers once per weighted layer, in order: each gets its own seed.
            int layer = 0;
            return new(
                slot =>
                {
                    int block = slot.KernelArea > 1 ? slot.KernelArea : linearBlock;
                    int wanted = slot.Role == LayerRole.Last ? linearCentroids : convCentroids;
                    int halfBlocks = (int)System.Math.Min(int.MaxValue, slot.Weights / block / 2);
                    int centroids = System.Math.Min(wanted, 1 << (int)System.Math.Floor(System.Math.Log2(System.Math.Max(halfBlocks, 2))));
                    return Quant.ProductQuantizer(block, centroids, iterations: 25, noiseRate: noiseRate, seed: 7 + layer++);
                },
                _ => null);
        }
    }
}
