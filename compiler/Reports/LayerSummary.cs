using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Reports
{
    /// <summary>One row of the per-layer report: what a node computes and what it costs.</summary>
    public sealed record LayerSummary(
        string Node,
        string Op,
        string InputShape,
        string OutputShape,
        long Macs,
        int WeightBits,
        int ActivationBits,
        long WeightBytes,
        string Note)
    {
        /// <summary>The implementation lowering chose (empty before lowering).</summary>
        public string Implementation { get; init; } = "";

        /// <summary>Why it was chosen.</summary>
        public string Reason { get; init; } = "";

        /// <summary>The cost model's estimate of the layer's time on one core.</summary>
        public double EstimatedNanoseconds { get; init; }

        /// <summary>Ops whose second input is a weight (the layers kernels will specialise).</summary>
        private static readonly HashSet<string> WeightedOps = new HashSet<string> { "Conv", "ConvInteger", "QLinearConv", "Gemm", "MatMul", "MatMulInteger", "QLinearMatMul" };

        public static LayerSummary Of(Node node)
        {
            var x = node.Inputs.FirstOrDefault(i => i != null && !i.IsConstant);
            var y = node.Outputs.FirstOrDefault();
            var w = WeightedOps.Contains(node.OpType) ? WeightOf(node) : null;
            long weightBytes = 0;
            int weightBits = 0;
            foreach (var c in node.Inputs.Where(i => i != null && i.IsConstant && i.Rank > 0).Distinct())
                weightBytes += PackedBytes(c!);
            if (w != null)
                weightBits = w.Codebook != null ? 0 : w.Quant?.Bits ?? w.Type.Bits();
            string note = w?.Codebook != null ? w.Codebook.ToString() : "";
            if (node.Activation != null)
                note = (note.Length > 0 ? note + "; " : "") + "+" + node.Activation;
            return new LayerSummary(
                node.Name,
                node.OpType,
                x == null ? "" : x.Type.ShortName() + Shape.Format(x.Shape),
                y == null ? "" : y.Type.ShortName() + Shape.Format(y.Shape),
                CountMacs(node),
                weightBits,
                x == null ? 0 : x.Quant?.Bits ?? x.Type.Bits(),
                weightBytes,
                note);
        }

        private static Value? WeightOf(Node node) => node.OpType switch
        {
            "QLinearConv" or "QLinearMatMul" => node.Input(3),
            _ => node.Input(1),
        };

        /// <summary>Bytes of a constant at its true bitwidth (codebook: centroids plus log2(K)-bit codes).</summary>
        public static long PackedBytes(Value c)
        {
            if (c.Codebook != null)
            {
                var cb = c.Codebook;
                int codeBits = 1;
                while ((1 << codeBits) < cb.Centroids)
                    codeBits++;
                return cb.Codebook.Length * 4L + ((long)cb.Indices.Length * codeBits + 7) / 8;
            }
            long n = 1;
            foreach (int d in c.Shape)
                n *= d;
            int bits = c.Quant?.Bits ?? c.Type.Bits();
            return (n * bits + 7) / 8;
        }

        /// <summary>Multiply-accumulates of the layers that have them; 0 for the rest.</summary>
        public static long CountMacs(Node node)
        {
            var y = node.Outputs.FirstOrDefault();
            if (y == null)
                return 0;
            long outElements = 1;
            foreach (int d in y.Shape)
                outElements *= d;
            switch (node.OpType)
            {
                case "Conv":
                case "ConvInteger":
                case "QLinearConv":
                {
                    var w = WeightOf(node);
                    if (w == null || w.Rank < 2)
                        return 0;
                    long perOutput = 1;
                    for (int i = 1; i < w.Rank; i++)
                        perOutput *= w.Shape[i];
                    return outElements * perOutput;
                }
                case "Gemm":
                case "MatMul":
                case "MatMulInteger":
                case "QLinearMatMul":
                {
                    var a = node.Input(0);
                    if (a == null || a.Rank == 0)
                        return 0;
                    int k = node.OpType == "Gemm" && node.GetInt("transA", 0) != 0 ? a.Shape[0] : a.Shape[a.Rank - 1];
                    return outElements * k;
                }
                default:
                    return 0;
            }
        }
    }
}
