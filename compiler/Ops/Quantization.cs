using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// The arithmetic of QuantizeLinear and DequantizeLinear, shared by those ops and
    /// by every quantised node the QDQ pass forms, so that both compute the same:
    /// dequantise <c>(q - zp) * scale</c> in float32; quantise
    /// <c>saturate(roundHalfEven(x / scale) + zp)</c> with the division in float32.
    /// </summary>
    public static class Quantization
    {
        /// <summary>Round half to even, as numpy's rint.</summary>
        public static double RoundHalfEven(double x) => Math.Round(x, MidpointRounding.ToEven);

        /// <summary>The index into <see cref="QuantParams.Scale"/> for each flat element of a tensor of <paramref name="shape"/>.</summary>
        public static int ParamIndex(QuantParams p, int[] shape, int i)
        {
            if (p.IsPerTensor)
                return 0;
            int dim = shape[p.Axis];
            int inner = 1;
            for (int d = p.Axis + 1; d < shape.Length; d++)
                inner *= shape[d];
            int c = i / inner % dim;
            if (p.BlockSize == 0)
                return c;
            int blocks = (dim + p.BlockSize - 1) / p.BlockSize;
            int outer = i / (inner * dim);
            return (outer * blocks + c / p.BlockSize) * inner + i % inner;
        }

        /// <summary>Real values of a quantised tensor.</summary>
        public static float[] Dequantize(Tensor q, QuantParams p)
        {
            var r = new float[q.Length];
            for (int i = 0; i < r.Length; i++)
            {
                int k = ParamIndex(p, q.Shape, i);
                r[i] = (float)(q.GetInt64(i) - p.ZeroPoint[k]) * p.Scale[k];
            }
            return r;
        }

        /// <summary>Quantises real values to <paramref name="type"/>, saturating to its range.</summary>
        public static Tensor Quantize(float[] x, int[] shape, ElementType type, QuantParams p)
        {
            var t = Tensor.Zeros(type, shape);
            long lo = type.MinValue(), hi = type.MaxValue();
            for (int i = 0; i < x.Length; i++)
            {
                int k = ParamIndex(p, shape, i);
                float scaled = x[i] / p.Scale[k];
                double q = RoundHalfEven(scaled) + p.ZeroPoint[k];
                t.SetInt64(i, double.IsNaN(q) ? p.ZeroPoint[k] : (long)Math.Max(lo, Math.Min(hi, q)));
            }
            return t;
        }

        /// <summary>
        /// The real value of an input of a quantised node: dequantised if the value is
        /// quantised, else read as float.
        /// </summary>
        public static float[] RealValues(Value v, Tensor t) =>
            v.Quant != null ? Dequantize(t, v.Quant) : t.Floats;

        /// <summary>
        /// Writes a node result that was computed in real numbers: quantised when the output
        /// value is quantised (after applying any fused activation), else as f32.
        /// </summary>
        public static Tensor Output(Node node, int index, float[] real, int[] shape)
        {
            if (node.Activation != null)
                for (int i = 0; i < real.Length; i++)
                    real[i] = node.Activation.Apply(real[i]);
            var v = node.Outputs[index];
            return v.Quant != null ? Quantize(real, shape, v.Type, v.Quant) : Tensor.FromFloats(shape, real);
        }
    }
}
