using System;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>
    /// Folds an inference BatchNormalization into the Conv or Gemm before it. Per output
    /// channel c, with <c>f = gamma / sqrt(var + epsilon)</c>: the weights of c are scaled by
    /// f and the bias becomes <c>(b - mean) · f + beta</c>. Only when the weights, the bias (if
    /// any) and the statistics are float constants and the BN is the sole reader of the layer's
    /// output. The folded weights are new constants (the old ones may be shared), computed in
    /// double and rounded once.
    /// </summary>
    public sealed class BatchNormFolding : IPass
    {
        public string Name => "BatchNormFolding";

        public bool Run(Graph graph)
        {
            bool changed = false;
            foreach (var bn in graph.Nodes.ToArray())
                changed |= TryFold(graph, bn);
            return changed;
        }

        private static bool TryFold(Graph graph, Node bn)
        {
            if (!GraphEdit.Is(bn, "BatchNormalization") || bn.Outputs.Count != 1 || bn.Activation != null
                || bn.OpsetVersion < 9 && bn.GetInt("spatial", 1) == 0)
                return false;
            var y = bn.Inputs[0];
            var layer = y == null ? null : GraphEdit.ProducerOf(graph, y);
            if (layer == null || layer.Activation != null || y!.Quant != null || GraphEdit.SoleReader(graph, y) != bn)
                return false;
            float[]? gamma = GraphEdit.FloatConstant(bn.Input(1)), beta = GraphEdit.FloatConstant(bn.Input(2));
            float[]? mean = GraphEdit.FloatConstant(bn.Input(3)), variance = GraphEdit.FloatConstant(bn.Input(4));
            if (gamma == null || beta == null || mean == null || variance == null)
                return false;
            double epsilon = bn.GetFloat("epsilon", 1e-5f);
            var f = new double[gamma.Length];
            for (int c = 0; c < f.Length; c++)
                f[c] = gamma[c] / Math.Sqrt(variance[c] + (double)epsilon);

            bool folded = GraphEdit.Is(layer, "Conv") ? FoldIntoConv(graph, layer, f, mean, beta)
                : GraphEdit.Is(layer, "Gemm") && FoldIntoGemm(graph, layer, f, mean, beta);
            if (!folded)
                return false;
            GraphEdit.Replace(graph, bn.Outputs[0], y);
            graph.Nodes.Remove(bn);
            GraphEdit.Reinfer(layer);
            return true;
        }

        /// <summary>Conv: W is [M, C/group, k...], channel m owns a contiguous run of W.</summary>
        private static bool FoldIntoConv(Graph graph, Node conv, double[] f, float[] mean, float[] beta)
        {
            Value w = conv.Inputs[1]!;
            Value? b = conv.Input(2);
            float[]? ws = GraphEdit.FloatConstant(w), bs = b == null ? null : GraphEdit.FloatConstant(b);
            if (ws == null || b != null && bs == null || w.Shape[0] != f.Length)
                return false;
            int perChannel = f.Length == 0 ? 0 : ws.Length / f.Length;
            var w2 = new float[ws.Length];
            for (int i = 0; i < ws.Length; i++)
                w2[i] = (float)(ws[i] * f[i / perChannel]);
            var b2 = new float[f.Length];
            for (int c = 0; c < f.Length; c++)
                b2[c] = (float)(((bs == null ? 0 : bs[c]) - (double)mean[c]) * f[c] + beta[c]);

            conv.Inputs[1] = NewConstant(graph, w.Name + "_bn", Tensor.FromFloats(w.Shape, w2));
            var bias = NewConstant(graph, (b?.Name ?? conv.Name + "_bias") + "_bn", Tensor.FromFloats(new[] { f.Length }, b2));
            while (conv.Inputs.Count < 3)
                conv.Inputs.Add(null);
            conv.Inputs[2] = bias;
            return true;
        }

        /// <summary>
        /// Gemm: <c>alpha · A'B' + beta · C</c> with BN on its N columns. Column n of B' (a row of B
        /// when transB) is scaled by f[n]; C' = (beta · C - mean) · f + bnBeta takes C's shape
        /// broadcast with [N], and the beta attribute becomes 1.
        /// </summary>
        private static bool FoldIntoGemm(Graph graph, Node gemm, double[] f, float[] mean, float[] beta)
        {
            if (gemm.OpsetVersion < 7) // C's broadcasting was opt-in before opset 7
                return false;
            Value bValue = gemm.Inputs[1]!;
            Value? c = gemm.Input(2);
            float[]? bs = GraphEdit.FloatConstant(bValue), cs = c == null ? null : GraphEdit.FloatConstant(c);
            bool transB = gemm.GetInt("transB", 0) != 0;
            int n = f.Length;
            if (bs == null || c != null && cs == null || bValue.Shape[transB ? 0 : 1] != n)
                return false;
            int k = bs.Length / Math.Max(1, n);
            var b2 = new float[bs.Length];
            for (int i = 0; i < bs.Length; i++)
                b2[i] = (float)(bs[i] * f[transB ? i / k : i % n]);

            double cBeta = gemm.GetFloat("beta", 1f);
            int[] cShape = c == null ? new[] { n } : Shape.Broadcast(c.Shape, new[] { n });
            int[]? source = c == null ? null : Broadcast.SourceIndices(cShape, c.Shape);
            var c2 = new float[Shape.Size(cShape)];
            for (int i = 0; i < c2.Length; i++)
            {
                int col = i % n;
                double cv = cs == null ? 0 : cBeta * cs[source![i]];
                c2[i] = (float)((cv - mean[col]) * f[col] + beta[col]);
            }

            gemm.Inputs[1] = NewConstant(graph, bValue.Name + "_bn", Tensor.FromFloats(bValue.Shape, b2));
            while (gemm.Inputs.Count < 3)
                gemm.Inputs.Add(null);
            gemm.Inputs[2] = NewConstant(graph, (c?.Name ?? gemm.Name + "_bias") + "_bn", Tensor.FromFloats(cShape, c2));
            gemm.Attributes["beta"] = Ir.Attribute.Float(1f);
            return true;
        }

        private static Value NewConstant(Graph graph, string stem, Tensor t) =>
            Value.FromConstant(GraphEdit.FreshName(graph, stem), t);
    }
}
