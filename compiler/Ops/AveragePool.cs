using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// AveragePool with strides, pads, auto_pad, ceil_mode and (opset 19) dilations, on f32 or
    /// the real values of a quantised input, summed in double. The divisor counts the taps inside
    /// the input, or with count_include_pad those inside the padded input (a ceil_mode window
    /// running past the end padding does not count the part beyond it).
    /// </summary>
    public sealed class AveragePool : OperatorBase
    {
        public override string OpType => "AveragePool";

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            if (x.Quant != null)
                RequireType(node, x, "input", ElementType.UInt8, ElementType.Int8, ElementType.UInt4, ElementType.Int4);
            else
                RequireType(node, x, "input", ElementType.Float32);
            long include = node.GetInt("count_include_pad", 0);
            if (include != 0 && include != 1)
                throw node.Error(FormattableString.Invariant($"attribute 'count_include_pad' must be 0 or 1, is {include}"));
            WindowGeometry.ForPool(node, x, out int[] shape);
            SetOutput(node, 0, ElementType.Float32, shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Value vx = node.Inputs[0]!;
            var g = WindowGeometry.ForPool(node, vx, out int[] shape);
            g.Taps(out int[][] taps, out _);
            float[] x = Quantization.RealValues(vx, inputs[0]!);
            bool includePad = node.GetInt("count_include_pad", 0) == 1;

            int planes = shape[0] * shape[1], inSize = g.InputSize, outSize = g.OutputSize;
            var divisors = new int[outSize];
            for (int o = 0; o < outSize; o++)
                divisors[o] = includePad ? g.PaddedTapCount(o) : taps[o].Length;
            var y = new float[planes * outSize];
            for (int p = 0; p < planes; p++)
                for (int o = 0; o < outSize; o++)
                {
                    double sum = 0;
                    foreach (int t in taps[o])
                        sum += x[p * inSize + t];
                    y[p * outSize + o] = (float)(sum / divisors[o]);
                }
            return new[] { Quantization.Output(node, 0, y, shape) };
        }
    }
}
