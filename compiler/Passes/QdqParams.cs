using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>The quantisation parameters of QuantizeLinear and DequantizeLinear nodes, as QDQ recognition reads and compares them.</summary>
    internal static class QdqParams
    {
        public static bool IsQuantize(Node n) => GraphEdit.Is(n, "QuantizeLinear", alsoMicrosoft: true);

        public static bool IsDequantize(Node n) => GraphEdit.Is(n, "DequantizeLinear", alsoMicrosoft: true);

        /// <summary>
        /// The parameters of a Q or DQ node whose scale and zero point are constants, else null.
        /// <paramref name="integerType"/> is the quantised side's type (DQ's input, Q's output);
        /// <see cref="QuantParams.Bits"/> is that type's width until narrowed. A scale that is
        /// zero, infinite or NaN gives null too, and so does a negative one unless
        /// <paramref name="constantWeight"/>: such a node stays as written, computed as ONNX says,
        /// rather than becoming parameters no kernel can use. A constant weight may have negative
        /// per-channel scales (an exporter folding a BatchNorm with γ &lt; 0 into the scale writes
        /// them): a kernel multiplies by the scale all the same.
        /// </summary>
        public static QuantParams? Read(Node node, ElementType integerType, bool constantWeight = false)
        {
            Value x = node.Inputs[0]!, scale = node.Inputs[1]!;
            Value? zp = node.Input(2);
            if (scale.Constant == null || zp != null && zp.Constant == null)
                return null;
            var p = QdqLayout.Read(node, x, scale, zp).Params(scale.Constant, zp?.Constant, integerType);
            return p.Scale.All(s => (s > 0 || constantWeight && s < 0) && !float.IsInfinity(s)) ? p : null;
        }

        /// <summary>Read for a DequantizeLinear: the integer type is its input's.</summary>
        public static QuantParams? OfDequantize(Node dq) => Read(dq, dq.Inputs[0]!.Type, constantWeight: dq.Inputs[0]!.Constant != null);

        /// <summary>Read for a QuantizeLinear: the integer type is its output's.</summary>
        public static QuantParams? OfQuantize(Node q) => Read(q, q.Outputs[0].Type);

        /// <summary>Same real value for every integer: equal scales, zero points and layout (bitwidths may differ).</summary>
        public static bool Same(QuantParams a, QuantParams b) =>
            a.Scale.SequenceEqual(b.Scale) && a.ZeroPoint.SequenceEqual(b.ZeroPoint) && a.BlockSize == b.BlockSize
            && (a.IsPerTensor || a.Axis == b.Axis);

        /// <summary>
        /// The parameters of a quantised constant after the data-movement node <paramref name="move"/>
        /// rearranged it: per tensor unchanged; per axis the axis follows a Transpose's permutation,
        /// or, for the reshaping ops, the output axis with the same extent and the same product of
        /// the dimensions before it (so every element keeps its channel). Null if the axis does not
        /// survive or the parameters are blocked.
        /// </summary>
        public static QuantParams? AfterMove(QuantParams p, Node move, int[] inShape, int[] outShape)
        {
            if (p.IsPerTensor || GraphEdit.Is(move, "Identity"))
                return p;
            if (p.BlockSize != 0)
                return null;
            int axis = -1;
            if (GraphEdit.Is(move, "Transpose"))
            {
                long[] perm = move.GetInts("perm") ?? Enumerable.Range(0, inShape.Length).Reverse().Select(i => (long)i).ToArray();
                axis = System.Array.IndexOf(perm, (long)p.Axis);
            }
            else
            {
                long before = Product(inShape, p.Axis);
                for (int j = 0; j < outShape.Length && axis < 0; j++)
                    if (outShape[j] == inShape[p.Axis] && Product(outShape, j) == before)
                        axis = j;
            }
            return axis < 0 ? null : new QuantParams(p.Scale, p.ZeroPoint, axis, 0, p.Bits);
        }

        private static long Product(int[] shape, int count)
        {
            long n = 1;
            for (int i = 0; i < count; i++)
                n *= shape[i];
            return n;
        }
    }
}
