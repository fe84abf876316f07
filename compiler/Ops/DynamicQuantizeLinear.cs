using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// DynamicQuantizeLinear: u8 quantisation with parameters from x's range. In float32,
    /// as ONNX's reference: the range [min(0, min x), max(0, max x)] gives
    /// <c>scale = (max - min) / 255</c> (1 when the range is empty, all x being 0) and
    /// <c>zero_point = roundHalfEven(clamp(-min / scale, 0, 255))</c>; y is then
    /// <see cref="Quantization.Quantize(float[], int[], ElementType, QuantParams)"/> with them.
    /// Outputs y, y_scale and y_zero_point.
    /// </summary>
    public sealed class DynamicQuantizeLinear : OperatorBase
    {
        public override string OpType => "DynamicQuantizeLinear";

        public override int MinOpset => 11;

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            if (x.Type == ElementType.Float16)
                throw node.Unsupported($"input '{x.Name}' has element type f16, which is not supported (only f32)");
            RequireType(node, x, "input", ElementType.Float32);
            SetOutput(node, 0, ElementType.UInt8, x.Shape);
            SetOutput(node, 1, ElementType.Float32, System.Array.Empty<int>());
            SetOutput(node, 2, ElementType.UInt8, System.Array.Empty<int>());
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            var x = inputs[0]!;
            float lo = 0, hi = 0;
            foreach (float v in x.Floats)
            {
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
            float scale = hi == lo ? 1f : (float)((hi - lo) / 255f);
            float zeroPoint = (float)(0f - lo / scale);
            int zp = (int)Quantization.RoundHalfEven(System.Math.Max(0f, System.Math.Min(255f, zeroPoint)));
            var p = new QuantParams(new[] { scale }, new[] { zp }, 0, 0, 8);
            return new[]
            {
                Quantization.Quantize(x.Floats, x.Shape, ElementType.UInt8, p),
                Tensor.Scalar(scale),
                new Tensor(ElementType.UInt8, System.Array.Empty<int>(), new[] { (byte)zp }),
            };
        }
    }
}
