using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// The arithmetic of QuantizeLinear and DequantizeLinear, shared by those ops and
    /// by every quantised node the QDQ pass forms, so that both compute the same:
    /// dequantise <c>(q - zp) * scale</c> in float32; quantise
    /// <c>saturate(roundHalfEven(x / scale) + zp)</c> with the division in float32 (in double
    /// for int32 inputs, as numpy promotes them).
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
        public static Tensor Quantize(float[] x, int[] shape, ElementType type, QuantParams p) =>
            Quantize(shape, type, p, (i, scale) => (float)(x[i] / scale));

        /// <summary>Quantises int32 values (QuantizeLinear's other input type); the division is in double, as numpy's int32 / float32.</summary>
        public static Tensor Quantize(int[] x, int[] shape, ElementType type, QuantParams p) =>
            Quantize(shape, type, p, (i, scale) => (double)x[i] / scale);

        private static Tensor Quantize(int[] shape, ElementType type, QuantParams p, Func<int, float, double> divide)
        {
            var t = Tensor.Zeros(type, shape);
            long lo = type.MinValue(), hi = type.MaxValue();
            for (int i = 0; i < t.Length; i++)
            {
                int k = ParamIndex(p, shape, i);
                double q = RoundHalfEven(divide(i, p.Scale[k])) + p.ZeroPoint[k];
                t.SetInt64(i, double.IsNaN(q) ? p.ZeroPoint[k] : (long)Math.Max(lo, Math.Min(hi, q)));
            }
            return t;
        }

        /// <summary>
        /// The parameters a QuantizeLinear or DequantizeLinear node reads from its scale and
        /// zero-point tensors: one scale is per tensor (numpy broadcasts it whatever its rank),
        /// else per <paramref name="axis"/> or, with a <paramref name="blockSize"/>, per block
        /// along it. An absent zero point is 0.
        /// </summary>
        public static QuantParams Params(Tensor scale, Tensor? zeroPoint, int axis, int blockSize, ElementType type)
        {
            var zp = new int[scale.Length];
            if (zeroPoint != null)
                for (int i = 0; i < zp.Length; i++)
                    zp[i] = (int)zeroPoint.GetInt64(i);
            bool perTensor = scale.Length == 1;
            return new QuantParams(scale.Floats, zp, perTensor ? 0 : axis, perTensor ? 0 : blockSize, type.Bits());
        }

        /// <summary>
        /// The real value of an input of a quantised node: dequantised if the value is
        /// quantised, else read as float.
        /// </summary>
        public static float[] RealValues(Value v, Tensor t) =>
            v.Quant != null ? Dequantize(t, v.Quant) : t.Floats;

        /// <summary>
        /// Real values in double, for an operand added to an exact integer sum (a bias):
        /// f32 as is, a quantised tensor (typically s32) as <c>(q - zp) · s</c>.
        /// </summary>
        public static double[] RealValuesInDouble(Value v, Tensor t)
        {
            var r = new double[t.Length];
            var p = v.Quant;
            for (int i = 0; i < r.Length; i++)
            {
                if (p == null)
                {
                    r[i] = t.Floats[i];
                }
                else
                {
                    int k = ParamIndex(p, t.Shape, i);
                    r[i] = (t.GetInt64(i) - p.ZeroPoint[k]) * (double)p.Scale[k];
                }
            }
            return r;
        }

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
