using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// One dot product <c>Σ_k a[aStart + k·aStep] · b[bStart + k·bStep]</c> of Gemm and MatMul,
    /// in each arithmetic they use. Strides let one loop serve transposed and batched operands.
    /// </summary>
    public static class DotProduct
    {
        /// <summary>Float operands, summed in double.</summary>
        public static double Real(float[] a, int aStart, int aStep, float[] b, int bStart, int bStep, int k)
        {
            double sum = 0;
            for (int i = 0; i < k; i++)
                sum += (double)a[aStart + i * aStep] * b[bStart + i * bStep];
            return sum;
        }

        /// <summary>Integer operands, summed in long (wrapping, as ONNX integer arithmetic does).</summary>
        public static long Integer(Tensor a, int aStart, int aStep, Tensor b, int bStart, int bStep, int k)
        {
            long sum = 0;
            for (int i = 0; i < k; i++)
                sum = unchecked(sum + a.GetInt64(aStart + i * aStep) * b.GetInt64(bStart + i * bStep));
            return sum;
        }

        /// <summary>
        /// Quantised A (per-tensor <paramref name="qa"/>) times quantised B (any layout of
        /// <paramref name="qb"/>), in real numbers: <c>Σ(a - za)(b - zb)</c> is summed exactly in
        /// long over each run of k that shares B's parameters, and each run is scaled once by
        /// <c>sa · sb</c> in double. Per-tensor and per-output-column B make that one run, so the
        /// result is <c>acc · (sa · sb[n])</c>; B blocked along k adds one term per block.
        /// </summary>
        public static double Quantized(Tensor a, QuantParams qa, int aStart, int aStep, Tensor b, QuantParams qb, int bStart, int bStep, int k)
        {
            long za = qa.ZeroPoint[0];
            double sa = qa.Scale[0];
            double real = 0;
            long acc = 0;
            int run = -1;
            for (int i = 0; i < k; i++)
            {
                int bi = bStart + i * bStep;
                int p = Quantization.ParamIndex(qb, b.Shape, bi);
                if (p != run)
                {
                    if (run >= 0)
                        real += acc * (sa * qb.Scale[run]);
                    acc = 0;
                    run = p;
                }
                acc += (a.GetInt64(aStart + i * aStep) - za) * (b.GetInt64(bi) - qb.ZeroPoint[p]);
            }
            if (run >= 0)
                real += acc * (sa * qb.Scale[run]);
            return real;
        }
    }
}
