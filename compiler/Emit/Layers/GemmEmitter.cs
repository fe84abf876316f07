using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// Gemm (<see cref="Compiler.Ops.Gemm"/>): <c>(float)(alpha · A'·B' + beta · C)</c> in double, C
    /// broadcast to [M, N] and real-valued (a quantised C as (c - zp) · s). The dot products are
    /// <see cref="MatrixProduct"/>'s, or with <see cref="Strategy.Fp32"/> the runtime's kernel over
    /// a row of A and a row of B (B packed transposed unless transB already stores it so).
    /// </summary>
    public sealed class GemmEmitter : OpEmitter
    {
        public override string OpType => "Gemm";

        public override IEnumerable<PlanAttribute> Lower(Node node) => new[]
        {
            PlanAttribute.Of("trans-a", node.GetInt("transA", 0) != 0 ? 1 : 0),
            PlanAttribute.Of("trans-b", node.GetInt("transB", 0) != 0 ? 1 : 0),
            PlanAttribute.Of("alpha", node.GetFloat("alpha", 1f)),
            PlanAttribute.Of("beta", node.GetFloat("beta", 1f)),
        };

        public override WeightLayout WeightLayout(Node node, Strategy strategy, int input) =>
            strategy == Strategy.Fp32 && input == 1 && node.GetInt("transB", 0) == 0 ? Lowering.WeightLayout.Transposed : Lowering.WeightLayout.RowMajor;

        public override void Emit(LayerContext c)
        {
            bool transA = c.Step.Int("trans-a") == 1, transB = c.Step.Int("trans-b") == 1;
            int[] a = c.InShape(0);
            int m = transA ? a[1] : a[0], k = transA ? a[0] : a[1], n = c.OutShape(0)[1];
            string i = c.Local("i"), j = c.Local("j");
            using (c.W.Block($"for (int {i} = 0; {i} < {m}; {i}++)"))
            using (c.W.Block($"for (int {j} = 0; {j} < {n}; {j}++)"))
            {
                string dot;
                if (c.Step.Strategy == Strategy.Fp32)
                {
                    dot = c.Local("dot");
                    c.W.Line($"double {dot} = global::Bitsmith.Runtime.Kernels.DotProduct.Sum({c.InName(0)}.Slice({i} * {k}, {k}), {c.InName(1)}.Slice({j} * {k}, {k}));");
                }
                else
                {
                    dot = MatrixProduct.Emit(c, 0, 1, transA ? i : $"{i} * {k}", transA ? m : 1, transB ? $"{j} * {k}" : j, transB ? 1 : n, k, bKAxis: transB ? 1 : 0);
                }
                string alpha = $"(double){CSharp.Float(c.Step.Float("alpha"))} * {dot}";
                string sum = c.HasIn(2) ? $"{alpha} + (double){CSharp.Float(c.Step.Float("beta"))} * {C(c, i, j, m, n)}" : $"{alpha} + 0";
                c.W.Line(c.Store(0, $"{i} * {n} + {j}", $"(float)({sum})"));
            }
        }

        /// <summary>C at (i, j), broadcast from its shape to [M, N], as a double.</summary>
        private static string C(LayerContext c, string i, string j, int m, int n)
        {
            int[] shape = c.InShape(2);
            int rows = shape.Length == 2 ? shape[0] : 1, columns = shape.Length >= 1 ? shape[shape.Length - 1] : 1;
            string index = rows == m && m != 1
                ? (columns == n && n != 1 ? $"{i} * {n} + {j}" : i)
                : (columns == n && n != 1 ? j : "0");
            var v = c.In(2);
            if (v.Quant == null)
                return $"(double){c.Element(2, index)}";
            var (scale, zero) = c.Params(v, index, "c");
            return $"((long){c.Element(2, index)} - {zero}) * (double){scale}";
        }
    }
}
