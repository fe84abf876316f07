using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Add, Sub, Mul and Div with numpy broadcasting. Integer inputs compute in their
    /// own type with wrap-around (Div truncates toward zero); f32 in float; quantised
    /// inputs (after the QDQ pass) in real values, quantised to the output's parameters.
    /// </summary>
    public sealed class BinaryOperator : OperatorBase
    {
        public BinaryOperator(string opType) => OpType = opType;

        public override string OpType { get; }

        public override int MinOpset => 7; // broadcasting semantics since opset 7

        public override void Infer(Node node)
        {
            var a = node.RequiredInput(0);
            var b = node.RequiredInput(1);
            bool quantized = a.Quant != null || b.Quant != null;
            if (!quantized && a.Type != b.Type)
                throw node.Error($"inputs have different element types {a.Type.ShortName()} and {b.Type.ShortName()}");
            if (a.Type == ElementType.Bool || a.Type == ElementType.Float16)
                throw node.Unsupported($"element type {a.Type.ShortName()} is not supported");
            SetOutput(node, 0, quantized ? ElementType.Float32 : a.Type, Shape.Broadcast(a.Shape, b.Shape));
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Tensor a = inputs[0]!, b = inputs[1]!;
            int[] shape = node.Outputs[0].Shape;
            int[] ia = Broadcast.SourceIndices(shape, a.Shape);
            int[] ib = Broadcast.SourceIndices(shape, b.Shape);
            Value va = node.Inputs[0]!, vb = node.Inputs[1]!;

            if (va.Quant != null || vb.Quant != null || a.Type == ElementType.Float32)
            {
                float[] ra = Quantization.RealValues(va, a), rb = Quantization.RealValues(vb, b);
                var r = new float[ia.Length];
                for (int i = 0; i < r.Length; i++)
                    r[i] = Apply(ra[ia[i]], rb[ib[i]]);
                return new[] { Quantization.Output(node, 0, r, shape) };
            }

            var result = Tensor.Zeros(a.Type, shape);
            for (int i = 0; i < ia.Length; i++)
                result.SetInt64(i, Apply(node, a.GetInt64(ia[i]), b.GetInt64(ib[i])));
            return new[] { result };
        }

        private float Apply(float x, float y) => OpType switch
        {
            "Add" => x + y,
            "Sub" => x - y,
            "Mul" => x * y,
            _ => x / y,
        };

        private long Apply(Node node, long x, long y) => OpType switch
        {
            "Add" => x + y,
            "Sub" => x - y,
            "Mul" => unchecked(x * y),
            _ => Divide(node, x, y),
        };

        /// <summary>Truncating division; MinValue / -1 wraps to MinValue as numpy does (C# would throw).</summary>
        private static long Divide(Node node, long x, long y) => y switch
        {
            0 => throw node.Error("integer division by zero"),
            -1 => unchecked(-x),
            _ => x / y,
        };
    }
}
