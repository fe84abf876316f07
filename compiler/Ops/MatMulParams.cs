using Bitsmith.Compiler.Ir;
using static System.FormattableString;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// The zero points and scales of MatMulInteger and QLinearMatMul operands: one value (per
    /// tensor); per row of A, as an M-vector or an A-shaped tensor with K replaced by 1
    /// ([D1, D2, M, 1]); per column of B, as an N-vector or a B-shaped tensor with K replaced
    /// by 1 ([D1, D2, 1, N]). Each form is turned into a shape that numpy-broadcasts to the
    /// operand, so every operand element finds its parameter through <see cref="Indices"/>.
    /// </summary>
    public static class MatMulParams
    {
        /// <summary>
        /// Checks <paramref name="param"/> against <paramref name="operand"/> (A when
        /// <paramref name="perRow"/>, else B); returns its broadcastable shape.
        /// </summary>
        public static int[] BroadcastShape(Node node, Value param, Value operand, bool perRow, string what)
        {
            int[] p = param.Shape, x = operand.Shape;
            if (Shape.Size(p) == 1)
                return System.Array.Empty<int>();
            int r = x.Length;
            if (r >= 2 && p.Length == 1 && p[0] == (perRow ? x[r - 2] : x[r - 1]))
                return perRow ? new[] { p[0], 1 } : p;
            if (r >= 2 && p.Length == r && p[perRow ? r - 1 : r - 2] == 1)
            {
                bool fits = true;
                for (int d = 0; d < r; d++)
                    fits &= p[d] == x[d] || p[d] == 1;
                if (fits)
                    return p;
            }
            string forms = r < 2 ? "one value"
                : perRow ? Invariant($"one value, [{x[r - 2]}] or [..., {x[r - 2]}, 1] (per row)")
                : Invariant($"one value, [{x[r - 1]}] or [..., 1, {x[r - 1]}] (per column)");
            throw node.Error($"{what} '{param.Name}' has shape {Shape.Format(p)}, but for '{operand.Name}' {Shape.Format(x)} it must be {forms}");
        }

        /// <summary>For each element of an operand, the flat index of its parameter.</summary>
        public static int[] Indices(int[] broadcastShape, int[] operandShape) =>
            Broadcast.SourceIndices(operandShape, broadcastShape);
    }
}
