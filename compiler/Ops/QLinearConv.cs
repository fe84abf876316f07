using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// QLinearConv: the integer sum Σ(x - x_zp)(w - w_zp) plus the s32 bias, requantised as
    /// <c>saturate(roundHalfEven(acc · M + y_zp))</c> with <c>M = x_scale · w_scale[m] / y_scale</c>
    /// computed in float32 (as ONNX's reference does) and the product in double.
    /// w_scale and w_zero_point may be per output channel.
    /// </summary>
    public sealed class QLinearConv : OperatorBase
    {
        public override string OpType => "QLinearConv";

        public override int MinOpset => 10;

        public override void Infer(Node node)
        {
            Value x = node.RequiredInput(0), w = node.RequiredInput(3), yz = node.RequiredInput(7);
            RequireType(node, x, "input", ElementType.UInt8, ElementType.Int8);
            RequireType(node, w, "weight", ElementType.UInt8, ElementType.Int8);
            RequireType(node, yz, "y_zero_point", ElementType.UInt8, ElementType.Int8);
            ConvArithmetic.Infer(node, x, w, out int[] shape);
            int m = w.Shape[0];
            Param(node, 1, "x_scale", ElementType.Float32, 0);
            Param(node, 2, "x_zero_point", x.Type, 0);
            Param(node, 4, "w_scale", ElementType.Float32, m);
            Param(node, 5, "w_zero_point", w.Type, m);
            Param(node, 6, "y_scale", ElementType.Float32, 0);
            ConvArithmetic.CheckParam(node, yz, "y_zero_point", 0);
            if (node.Input(8) is Value b)
            {
                RequireType(node, b, "bias", ElementType.Int32);
                ConvArithmetic.CheckBias(node, b, m);
            }
            SetOutput(node, 0, yz.Type, shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Tensor x = inputs[0]!, w = inputs[3]!;
            var g = ConvArithmetic.Infer(node, node.Inputs[0]!, node.Inputs[3]!, out int[] shape);
            long[] xc = ConvArithmetic.Centered(x, inputs[2]!.ToInt64Array());
            long[] wc = ConvArithmetic.Centered(w, inputs[5]!.ToInt64Array());
            long[] acc = ConvArithmetic.Accumulate(g, x.Shape, shape, (int)node.GetInt("group", 1), xc, wc);

            float xScale = inputs[1]!.Floats[0], yScale = inputs[6]!.Floats[0];
            float[] wScale = inputs[4]!.Floats;
            Tensor yz = inputs[7]!;
            Tensor? bias = inputs.Length > 8 ? inputs[8] : null;
            var y = Tensor.Zeros(yz.Type, shape);
            long lo = yz.Type.MinValue(), hi = yz.Type.MaxValue();
            for (int i = 0; i < acc.Length; i++)
            {
                int c = ConvArithmetic.Channel(shape, i);
                float multiplier = (float)(xScale * wScale[wScale.Length == 1 ? 0 : c]) / yScale;
                long sum = acc[i] + (bias != null ? bias.GetInt64(c) : 0);
                double q = Quantization.RoundHalfEven(sum * (double)multiplier + yz.GetInt64(0));
                y.SetInt64(i, (long)System.Math.Max(lo, System.Math.Min(hi, q)));
            }
            return new[] { y };
        }

        private static void Param(Node node, int index, string what, ElementType type, int channels)
        {
            var v = node.RequiredInput(index);
            RequireType(node, v, what, type);
            ConvArithmetic.CheckParam(node, v, what, channels);
        }
    }
}
