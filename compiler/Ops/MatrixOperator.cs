using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// The operand rules Gemm and MatMul share. Plain operands have one type. After the QDQ
    /// pass an operand may be quantised (small integers with <see cref="Value.Quant"/>); the
    /// other is then quantised too or f32, and the product is real-valued. A per-tensor A with a
    /// quantised B takes the exact integer form (<see cref="DotProduct.Quantized"/>); any other
    /// mix is computed on real values.
    /// </summary>
    public abstract class MatrixOperator : OperatorBase
    {
        /// <summary>
        /// Checks the operand types; returns the element type of the product (f32 when either
        /// operand is quantised). Plain operands must have one of <paramref name="plainTypes"/>;
        /// the op's other ONNX types (f16, s32, s64) are valid but not supported.
        /// </summary>
        protected static ElementType ProductType(Node node, Value a, Value b, params ElementType[] plainTypes)
        {
            if (a.Quant == null && b.Quant == null)
            {
                if (a.Type != b.Type)
                    throw node.Error($"inputs have different element types {a.Type.ShortName()} and {b.Type.ShortName()}");
                if (Array.IndexOf(plainTypes, a.Type) < 0)
                {
                    string problem = $"element type {a.Type.ShortName()}";
                    throw a.Type == ElementType.Float16 || a.Type == ElementType.Int32 || a.Type == ElementType.Int64
                        ? node.Unsupported(problem + " is not supported")
                        : node.Error(problem + $" is not a {node.OpType} type (unquantised operands are f32, f16, s32 or s64)");
                }
                if (node.Activation != null && a.Type != ElementType.Float32)
                    throw node.Error($"a fused {node.Activation} needs a real-valued result, but this node computes {a.Type.ShortName()}");
                return a.Type;
            }
            RequireRealOrQuantized(node, a, "input A");
            RequireRealOrQuantized(node, b, "input B");
            return ElementType.Float32;
        }

        /// <summary>Both operands quantised and A per tensor: the exact integer sum applies.</summary>
        protected static bool IsIntegerForm(Value a, Value b) => a.Quant != null && a.Quant.IsPerTensor && b.Quant != null;

        private static void RequireRealOrQuantized(Node node, Value v, string what)
        {
            if (v.Quant == null)
                RequireType(node, v, what, ElementType.Float32);
            else
                RequireType(node, v, "quantised " + what, ElementType.UInt8, ElementType.Int8, ElementType.UInt4, ElementType.Int4);
        }
    }
}
