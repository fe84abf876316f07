using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Conv over 1 to n spatial axes with groups, strides, dilations and padding. The float
    /// form sums in double. The quantised form (X per-tensor, W a constant per-tensor or per
    /// output channel) sums Σ(x - zx)(w - zw) exactly in long and scales once:
    /// <c>real = acc · sx · sw[m] + bias[m]</c>. Any other mix of quantised and float operands
    /// is computed on their real values. The result goes through <see cref="Quantization.Output"/>,
    /// which applies a fused activation and quantises a quantised output.
    /// </summary>
    public sealed class Conv : OperatorBase
    {
        public override string OpType => "Conv";

        public override void Infer(Node node)
        {
            Value x = node.RequiredInput(0), w = node.RequiredInput(1);
            Value? b = node.Input(2);
            RequireRealOrQuantized(node, x, "input");
            RequireRealOrQuantized(node, w, "weight");
            ConvArithmetic.Infer(node, x, w, out int[] shape);
            int m = w.Shape[0];
            if (b != null)
            {
                ConvArithmetic.CheckBias(node, b, m);
                if (b.Quant == null)
                    RequireType(node, b, "bias", ElementType.Float32);
                else if (!IsPerChannel(b.Quant, m))
                    throw node.Error($"quantised bias '{b.Name}' must have one scale or one per output channel, has {b.Quant}");
            }
            if (IsIntegerForm(x, w))
            {
                if (!x.Quant!.IsPerTensor)
                    throw node.Error($"quantised input '{x.Name}' must have per-tensor parameters, has {x.Quant}");
                if (!w.IsConstant)
                    throw node.Error($"quantised weight '{w.Name}' must be a constant");
                if (!IsPerChannel(w.Quant!, m))
                    throw node.Error($"quantised weight '{w.Name}' must be quantised per tensor or per output channel (axis 0), has {w.Quant}");
            }
            SetOutput(node, 0, ElementType.Float32, shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Value vx = node.Inputs[0]!, vw = node.Inputs[1]!;
            Value? vb = node.Input(2);
            Tensor x = inputs[0]!, w = inputs[1]!;
            var g = ConvArithmetic.Infer(node, vx, vw, out int[] shape);
            int group = (int)node.GetInt("group", 1);
            int m = shape[1];
            double[] bias = vb == null ? new double[m] : Quantization.RealValuesInDouble(vb, inputs[2]!);
            var real = new float[Shape.Size(shape)];

            if (IsIntegerForm(vx, vw))
            {
                QuantParams qx = vx.Quant!, qw = vw.Quant!;
                long[] xc = ConvArithmetic.Centered(x, new long[] { qx.ZeroPoint[0] });
                long[] wc = ConvArithmetic.Centered(w, Array.ConvertAll(qw.ZeroPoint, z => (long)z));
                long[] acc = ConvArithmetic.Accumulate(g, x.Shape, shape, group, xc, wc);
                for (int i = 0; i < real.Length; i++)
                {
                    int c = ConvArithmetic.Channel(shape, i);
                    real[i] = (float)(acc[i] * ((double)qx.Scale[0] * qw.Scale[qw.IsPerTensor ? 0 : c]) + bias[c]);
                }
            }
            else
            {
                double[] acc = ConvArithmetic.Accumulate(g, x.Shape, shape, group, Quantization.RealValues(vx, x), Quantization.RealValues(vw, w));
                for (int i = 0; i < real.Length; i++)
                    real[i] = (float)(acc[i] + bias[ConvArithmetic.Channel(shape, i)]);
            }
            return new[] { Quantization.Output(node, 0, real, shape) };
        }

        /// <summary>Both operands quantised: the exact integer sum applies.</summary>
        private static bool IsIntegerForm(Value x, Value w) => x.Quant != null && w.Quant != null;

        private static bool IsPerChannel(QuantParams q, int channels) =>
            q.IsPerTensor || q.BlockSize == 0 && q.Axis == 0 && q.Scale.Length == channels;

        private static void RequireRealOrQuantized(Node node, Value v, string what)
        {
            if (v.Quant == null)
                RequireType(node, v, what, ElementType.Float32);
            else
                RequireType(node, v, what, ElementType.UInt8, ElementType.Int8, ElementType.UInt4, ElementType.Int4);
        }
    }
}
