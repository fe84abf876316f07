using System.Collections.Generic;
using System.Linq;
using Bitsmith.Training;
using Bitsmith.Training.Model;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>The variants of issue 4 item 4, in the order of the results table.</summary>
internal static class Catalog
{
    public const string Fp32 = "fp32", W4a4 = "w4a4";

    public static readonly IReadOnlyList<Variant> All = new Variant[]
    {
        new(Fp32, "float baseline", "32", "32", Method.Plain, () => FashionCnn.Build(new Scheme(_ => null, _ => null))),
        new("w8a8", "LSQ, all layers 8-bit", "8", "8", Method.Plain, () => FashionCnn.Build(Lsq(8, 8))),
        new(W4a4, "LSQ+, first and last layer 8-bit", "4 (8 first/last)", "4 (8 first/last)", Method.Plain, () => FashionCnn.Build(LsqPlus(4))),
        new("w2a2", "LSQ+, first and last layer 8-bit", "2 (8 first/last)", "2 (8 first/last)", Method.Plain, () => FashionCnn.Build(LsqPlus(2))),
        new("mixed", "learned mixed precision (step + range) with weight and activation memory penalties at the W4 byte budget, ≤ 8 bits",
            "learned, ≤ W4 budget", "learned, ≤ 8", Method.Mixed, () => FashionCnn.Build(MixedPrecision())),
        new("hawq", "HAWQ-V2 allocation over {2,3,4,8} from the fp32 Hessian traces at the W4 byte budget, then LSQ+",
            "allocated, ≤ W4 budget", "4 (8 first/last)", Method.Hawq, null),
        new("ebs", "EBS search over {2,3,4,8} with an expected-size penalty at the W4 byte budget; the most probable bits within the budget, then as many epochs of fine-tuning as the other allocators train",
            "searched, ≤ W4 budget", "4 (8 first/last)", Method.Ebs, () => FashionCnn.Build(Ebs())),
        Ipq.Variant("ipq20-qn", 64, 4, 16, Ipq.NoiseRate), Ipq.Variant("ipq20", 64, 4, 16, 0),
        Ipq.Variant("ipq15-qn", 64, 8, 128, Ipq.NoiseRate), Ipq.Variant("ipq15", 64, 8, 128, 0),
        Ipq.Variant("ipq10-qn", 128, 8, 256, Ipq.NoiseRate), Ipq.Variant("ipq10", 128, 8, 256, 0),
        new("movement", "movement pruning to 80% sparsity + int8 (LSQ W8A8)", "8, 20% kept", "8", Method.Pruning, () => FashionCnn.Build(Pruned(movement: true))),
        new("magnitude", "magnitude pruning to 80% sparsity + int8 (LSQ W8A8)", "8, 20% kept", "8", Method.Pruning, () => FashionCnn.Build(Pruned(movement: false))),
        new("w1a1", "binary weights ±mean|w| (XNOR-Net's weights) with unsigned 1-bit LSQ activations {0, s} after ReLU, not XNOR-Net's sign activations; first and last layer 8-bit LSQ",
            "1 (8 first/last)", "1 (8 first/last)", Method.Plain, () => FashionCnn.Build(Binary())),
    };

    public static Variant? Find(string name) => All.FirstOrDefault(v => v.Name == name);

    // LSQ as in its paper: signed weights, unsigned activations after ReLU; the input image (in [0, 1]) unsigned too.
    private static Scheme Lsq(int weightBits, int activationBits) => new(
        _ => Quant.Lsq(weightBits, QuantTarget.Weights),
        _ => Quant.Lsq(activationBits, QuantTarget.Activations));

    // LSQ+ with the first and last layer (weights and their input activations) at 8 bits.
    private static Scheme LsqPlus(int bits) => new(
        role => Quant.LsqPlus(role == LayerRole.Middle ? bits : 8, QuantTarget.Weights),
        role => Quant.LsqPlus(role == LayerRole.Middle ? bits : 8, QuantTarget.Activations));

    // Learned mixed precision on weights and activations, starting from W4A4's bits (8 first and last).
    private static Scheme MixedPrecision() => new(
        role => Quant.MixedPrecision(QuantTarget.Weights, role == LayerRole.Middle ? 4 : 8),
        role => Quant.MixedPrecision(QuantTarget.Activations, role == LayerRole.Middle ? 4 : 8));

    /// <summary>The bitwidths HAWQ-V2 and EBS choose from.</summary>
    public static readonly int[] SearchBits = { 2, 3, 4, 8 };

    // EBS searches the weights' bitwidths; activations as W4A4, since the budget is one of weight bytes.
    private static Scheme Ebs() => new(
        _ => Quant.Ebs(QuantTarget.Weights, SearchBits),
        role => Quant.LsqPlus(role == LayerRole.Middle ? 4 : 8, QuantTarget.Activations));

    /// <summary>HAWQ-V2's network: LSQ+ weights at the allocated bits (one per weighted layer, in order), activations as W4A4.</summary>
    public static QuantSequential Hawq(int[] bits)
    {
        // FashionCnn asks for the weight quantisers once per weighted layer, in forward order.
        int layer = 0;
        return FashionCnn.Build(new Scheme(
            _ => Quant.LsqPlus(bits[layer++], QuantTarget.Weights),
            role => Quant.LsqPlus(role == LayerRole.Middle ? 4 : 8, QuantTarget.Activations)));
    }

    // Binary middle layers: the weights ±s, their inputs (post-ReLU) on the unsigned 1-bit grid {0, s}.
    private static Scheme Binary() => new(
        role => role == LayerRole.Middle ? Quant.BinaryWeights() : Quant.Lsq(8, QuantTarget.Weights),
        role => Quant.Lsq(role == LayerRole.Middle ? 1 : 8, QuantTarget.Activations));

    private static Scheme Pruned(bool movement) => new(
        _ => movement ? Quant.MovementPruning(Quant.Lsq(8, QuantTarget.Weights)) : Quant.MagnitudePruning(Quant.Lsq(8, QuantTarget.Weights)),
        _ => Quant.Lsq(8, QuantTarget.Activations));

    /// <summary>
    /// iPQ variants: 3×3 convolutions in blocks of one whole kernel (d = 9, as Stock et al.), the
    /// linear layer in blocks of 4 or 8 inputs; K per variant for about 20×, 15× and 10× fewer weight
    /// bytes than fp32 (ModelSize). The first conv is quantised too, with K = 16: its 32 kernels
    /// would not fill more centroids, and 16 shared kernels (592 bytes) still halve its float 1,152.
    /// </summary>
    internal static class Ipq
    {
        public const int KernelBlock = 9, FirstCentroids = 16;

        /// <summary>Quant-Noise's rate (the paper recommends 0.05 to 0.2).</summary>
        public const double NoiseRate = 0.1;

        public static Variant Variant(string name, int convCentroids, int linearBlock, int linearCentroids, double noiseRate)
        {
            string noise = noiseRate > 0
                ? string.Format(System.Globalization.CultureInfo.InvariantCulture, "with Quant-Noise (p={0}: blocks replaced by their current centroid)", noiseRate)
                : "without Quant-Noise";
            int convBits = (int)System.Math.Ceiling(System.Math.Log2(convCentroids)), linearBits = (int)System.Math.Ceiling(System.Math.Log2(linearCentroids));
            return new(name,
                $"iPQ, 3×3 convs K={convCentroids}, d=9 (a kernel; first conv K={FirstCentroids}), linear K={linearCentroids}, d={linearBlock}; {noise}",
                $"{convBits}/9 conv, {linearBits}/{linearBlock} linear + codebooks", "32", Method.Ipq,
                () => FashionCnn.Build(Scheme(convCentroids, linearBlock, linearCentroids, noiseRate)));
        }

        private static Scheme Scheme(int convCentroids, int linearBlock, int linearCentroids, double noiseRate)
        {
            // FashionCnn asks for the weight quantisers once per weighted layer, in order: each gets its own seed.
            int layer = 0;
            return new(
                role => Quant.ProductQuantizer(role == LayerRole.Last ? linearBlock : KernelBlock,
                    role switch { LayerRole.First => FirstCentroids, LayerRole.Middle => convCentroids, _ => linearCentroids },
                    iterations: 25, noiseRate: noiseRate, seed: 7 + layer++),
                _ => null);
        }
    }
}
