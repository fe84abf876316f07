using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// numpy.matmul's loops for MatMul, MatMulInteger and QLinearMatMul (<see cref="MatMulGeometry"/>):
    /// lowering records where each broadcast batch matrix of A and B starts; the code loops over
    /// batch, row and column, the output element (b, m, n) being <c>(b·M + m)·N + n</c>.
    /// </summary>
    public sealed class MatMulLoops
    {
        private MatMulLoops(int m, int k, int n, long[] aOffsets, long[] bOffsets)
        {
            M = m;
            K = k;
            N = n;
            AOffsets = aOffsets;
            BOffsets = bOffsets;
        }

        public int M { get; }

        public int K { get; }

        public int N { get; }

        public long[] AOffsets { get; }

        public long[] BOffsets { get; }

        public int Batches => AOffsets.Length;

        public static IEnumerable<PlanAttribute> Lower(Node node, Value a, Value b)
        {
            var g = MatMulGeometry.Of(node, a, b);
            return new[]
            {
                PlanAttribute.Of("mkn", g.M, g.K, g.N),
                PlanAttribute.Of("a-offsets", Enumerable.Range(0, g.Batches).Select(g.AOffset).ToArray()),
                PlanAttribute.Of("b-offsets", Enumerable.Range(0, g.Batches).Select(g.BOffset).ToArray()),
            };
        }

        public static MatMulLoops Of(PlanStep step)
        {
            var mkn = step.Ints("mkn");
            return new MatMulLoops((int)mkn[0], (int)mkn[1], (int)mkn[2], step.Ints("a-offsets"), step.Ints("b-offsets"));
        }

        /// <summary>
        /// The loops; the body gets the batch, row and column variables, the start of A's row and of
        /// B's column, and the flat output index. Batch offsets come from tables (one batch: constants).
        /// </summary>
        public void Emit(LayerContext c, Action<string, string, string, string, string, string> body)
        {
            string b = c.Local("b"), i = c.Local("i"), j = c.Local("j"), aBase = c.Local("aBase"), bBase = c.Local("bBase");
            string aOffset = Batches == 1 ? CSharp.Int(AOffsets[0]) : $"{c.Table("aOffsets", AOffsets.Select(o => (int)o))}[{b}]";
            string bOffset = Batches == 1 ? CSharp.Int(BOffsets[0]) : $"{c.Table("bOffsets", BOffsets.Select(o => (int)o))}[{b}]";
            using (c.W.Block($"for (int {b} = 0; {b} < {Batches}; {b}++)"))
            using (c.W.Block($"for (int {i} = 0; {i} < {M}; {i}++)"))
            using (c.W.Block($"for (int {j} = 0; {j} < {N}; {j}++)"))
            {
                c.W.Line($"int {aBase} = {aOffset} + {i} * {K};");
                c.W.Line($"int {bBase} = {bOffset} + {j};");
                body(b, i, j, aBase, bBase, $"({b} * {M} + {i}) * {N} + {j}");
            }
        }

        /// <summary>
        /// For a per-row (A) or per-column (B) parameter tensor of MatMulInteger or QLinearMatMul, the
        /// parameter index of each (batch, row) or (batch, column): parameters are constant along K.
        /// </summary>
        public static long[] ParamIndices(Node node, Value param, Value operand, bool perRow)
        {
            var g = MatMulGeometry.Of(node, node.Inputs[0]!, node.Inputs[node.OpType == "QLinearMatMul" ? 3 : 1]!);
            int[] index = MatMulParams.Indices(MatMulParams.BroadcastShape(node, param, operand, perRow, param.Name), operand.Shape);
            var result = new List<long>();
            for (int batch = 0; batch < g.Batches; batch++)
                for (int r = 0; r < (perRow ? g.M : g.N); r++)
                {
                    int element = perRow ? g.AOffset(batch) + r * g.K : g.BOffset(batch) + r;
                    result.Add(element < index.Length ? index[element] : 0);
                }
            return result.ToArray();
        }
    }
}
