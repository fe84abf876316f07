using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// MatMulInteger: numpy.matmul of <c>A - a_zero_point</c> and <c>B - b_zero_point</c> on
    /// u8/s8 operands, summed exactly in long and written as s32 (wrapping, as a 32-bit
    /// accumulator would). Zero points are optional (0), one value, per row of A or per column
    /// of B (<see cref="MatMulParams"/>).
    /// </summary>
    public sealed class MatMulInteger : OperatorBase
    {
        public override string OpType => "MatMulInteger";

        public override int MinOpset => 10;

        public override void Infer(Node node)
        {
            Value a = node.RequiredInput(0), b = node.RequiredInput(1);
            RequireType(node, a, "input A", ElementType.UInt8, ElementType.Int8);
            RequireType(node, b, "input B", ElementType.UInt8, ElementType.Int8);
            var g = MatMulGeometry.Of(node, a, b);
            CheckZeroPoint(node, node.Input(2), a, perRow: true);
            CheckZeroPoint(node, node.Input(3), b, perRow: false);
            SetOutput(node, 0, ElementType.Int32, g.OutputShape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Value va = node.Inputs[0]!, vb = node.Inputs[1]!;
            var g = MatMulGeometry.Of(node, va, vb);
            long[] a = Centered(node, inputs[0]!, node.Input(2), inputs.Length > 2 ? inputs[2] : null, va, perRow: true);
            long[] b = Centered(node, inputs[1]!, node.Input(3), inputs.Length > 3 ? inputs[3] : null, vb, perRow: false);
            var y = Tensor.Zeros(ElementType.Int32, g.OutputShape);
            int m = g.M, k = g.K, n = g.N;
            for (int batch = 0; batch < g.Batches; batch++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        long acc = 0;
                        int aStart = g.AOffset(batch) + i * k, bStart = g.BOffset(batch) + j;
                        for (int p = 0; p < k; p++)
                            acc += a[aStart + p] * b[bStart + p * n];
                        y.SetInt64((batch * m + i) * n + j, acc);
                    }
            return new[] { y };
        }

        private static void CheckZeroPoint(Node node, Value? zp, Value x, bool perRow)
        {
            if (zp == null)
                return;
            string what = perRow ? "a_zero_point" : "b_zero_point";
            RequireType(node, zp, what, x.Type);
            MatMulParams.BroadcastShape(node, zp, x, perRow, what);
        }

        /// <summary>The operand minus its zero point, element by element.</summary>
        private static long[] Centered(Node node, Tensor x, Value? vzp, Tensor? zp, Value vx, bool perRow)
        {
            var r = new long[x.Length];
            int[]? index = vzp == null ? null
                : MatMulParams.Indices(MatMulParams.BroadcastShape(node, vzp, vx, perRow, "zero point"), x.Shape);
            for (int i = 0; i < r.Length; i++)
                r[i] = x.GetInt64(i) - (index != null ? zp!.GetInt64(index[i]) : 0);
            return r;
        }
    }
}
