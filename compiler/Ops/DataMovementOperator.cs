using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Base of the ops that move elements without computing on them (Reshape, Transpose,
    /// Concat, Gather, ...). They work for every element type, and a quantised input stays
    /// quantised with the same parameters: moving an integer does not change the real
    /// value it stands for, as long as one scale covers the whole tensor.
    /// </summary>
    public abstract class DataMovementOperator : OperatorBase
    {
        /// <summary>
        /// Sets output 0 to <paramref name="shape"/> with the element type and (per-tensor)
        /// quantisation parameters of <paramref name="input"/>.
        /// </summary>
        protected static void SetMovedOutput(Node node, Value input, int[] shape)
        {
            if (node.Activation != null)
                throw node.Error($"a fused {node.Activation} activation is not supported on {node.OpType}");
            var q = input.Quant;
            if (q != null && !q.IsPerTensor)
                throw node.Error($"input '{input.Name}' is quantised per axis; {node.OpType} passes only per-tensor quantisation through");
            SetOutput(node, 0, input.Type, shape);
            var output = node.Outputs[0];
            if (output.Quant != null && (q == null || !SameParams(q, output.Quant)))
                throw node.Error($"output '{output.Name}' has quantisation {output.Quant} but the input has {(q == null ? "none" : q.ToString())}; {node.OpType} keeps its input's");
            output.Quant = q;
            output.Type = input.Type;
        }

        /// <summary>
        /// The raw (possibly negative) axes of Squeeze and Unsqueeze, or null when the optional
        /// axes are absent: an attribute before opset 13, a constant s64 input 1 from opset 13.
        /// </summary>
        protected static long[]? ReadAxes(Node node, bool required)
        {
            long[]? axes;
            if (node.OpsetVersion < 13)
            {
                if (node.Input(1) != null)
                    throw node.Error($"axes is an attribute before opset 13, but the node has a second input (opset {node.OpsetVersion})");
                axes = node.GetInts("axes");
            }
            else
            {
                if (node.HasAttribute("axes"))
                    throw node.Error($"axes is input 1 from opset 13, not an attribute (opset {node.OpsetVersion})");
                var v = node.Input(1);
                if (v != null)
                {
                    RequireType(node, v, "axes", ElementType.Int64);
                    RequireRank(node, v, "axes", 1);
                }
                axes = v == null ? null : RequireConstant(node, 1, "axes").ToInt64Array();
            }
            if (axes == null && required)
                throw node.Error("axes are required");
            return axes;
        }

        /// <summary>Rejects a quantised input where the op has no quantised form.</summary>
        protected static void RequireNotQuantized(Node node, Value input, string what)
        {
            if (input.Quant != null)
                throw node.Error($"{what} '{input.Name}' is quantised; {node.OpType} has no quantised form");
        }

        /// <summary>Same per-tensor scale and zero point (so the same real values).</summary>
        protected static bool SameParams(QuantParams a, QuantParams b) =>
            a.IsPerTensor && b.IsPerTensor && a.Scale[0] == b.Scale[0] && a.ZeroPoint[0] == b.ZeroPoint[0];

        /// <summary>A tensor whose element i is element <paramref name="sourceIndex"/>[i] of <paramref name="source"/>, for any element type.</summary>
        protected static Tensor Take(Tensor source, int[] shape, int[] sourceIndex)
        {
            // Dispatch on the element type, not the array's runtime type: an sbyte[] passes as byte[].
            Array data = source.Type switch
            {
                ElementType.UInt8 or ElementType.UInt4 => Take(source.Bytes, sourceIndex),
                ElementType.Int8 or ElementType.Int4 => Take(source.SBytes, sourceIndex),
                ElementType.Int32 => Take(source.Ints, sourceIndex),
                ElementType.Int64 => Take(source.Longs, sourceIndex),
                ElementType.Bool => Take(source.Bools, sourceIndex),
                _ => Take(source.Floats, sourceIndex),
            };
            return new Tensor(source.Type, shape, data);
        }

        private static T[] Take<T>(T[] source, int[] sourceIndex)
        {
            var result = new T[sourceIndex.Length];
            for (int i = 0; i < result.Length; i++)
                result[i] = source[sourceIndex[i]];
            return result;
        }
    }
}
