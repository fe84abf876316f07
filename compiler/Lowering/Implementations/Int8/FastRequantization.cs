using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Int8
{
    /// <summary>
    /// Proves, for one output channel, that single precision gives the interpreter's output codes:
    /// <c>clamp(roundHalfEven((float)acc · m + b) + zy, lo, hi)</c> with <c>m = (float)(scale / sy)</c>,
    /// <c>b = (float)(bias / sy)</c>, against the exact <c>quantize(act((float)(acc · scale + bias)))</c>,
    /// for every sum the channel can reach. Both are monotone step functions of the sum, so they are
    /// equal everywhere when they are equal at the ends of every interval bisection reaches where one
    /// of them changes: the check evaluates each about 2 · 32 times per code step, at build time. The
    /// fused activation becomes the clamp bounds (Relu: the code of 0; Clip: the codes of its bounds);
    /// HardSwish is not monotone and is not tried.
    /// </summary>
    internal static class FastRequantization
    {
        public static FastChannel? Prove(double scale, double bias, FusedActivation? activation, float outScale, int outZero, int qmin, int qmax, long accLo, long accHi)
        {
            if (activation?.Kind == ActivationKind.HardSwish || !IsFinite(scale) || !IsFinite(bias) || !IsFinite(outScale) || outScale == 0)
                return null;
            float m = (float)(scale / outScale), b = (float)(bias / outScale);
            if (!IsFinite(m) || !IsFinite(b))
                return null;
            int lo = qmin, hi = qmax;
            if (activation != null)
            {
                lo = Math.Max(qmin, Code(activation.Kind == ActivationKind.Relu ? 0f : activation.Min, outScale, outZero, qmin, qmax));
                if (activation.Kind == ActivationKind.Clip)
                    hi = Math.Min(qmax, Code(activation.Max, outScale, outZero, qmin, qmax));
            }
            // Far from int and float overflow: every rounded value below 2^22 in magnitude.
            if (Math.Abs((double)((float)accLo * m + b)) > 1 << 22 || Math.Abs((double)((float)accHi * m + b)) > 1 << 22)
                return null;
            var channel = new FastChannel(m, b, lo, hi);
            int Exact(long acc)
            {
                float real = (float)(acc * scale + bias);
                return Code(activation == null ? real : activation.Apply(real), outScale, outZero, qmin, qmax);
            }
            // Each float operation rounded to float explicitly, as the runtime's vector code does.
            int Fast(long acc) => Math.Max(lo, Math.Min(hi, (int)Math.Round((double)(float)((float)((float)acc * m) + b), MidpointRounding.ToEven) + outZero));
            return Agree(accLo, accHi, Exact, Fast) ? channel : null;
        }

        /// <summary>Bisection over [a, b]: equal at both ends, and (both being monotone) equal inside when constant there.</summary>
        private static bool Agree(long a, long b, Func<long, int> exact, Func<long, int> fast)
        {
            var stack = new System.Collections.Generic.Stack<(long, long)>();
            stack.Push((a, b));
            while (stack.Count > 0)
            {
                var (lo, hi) = stack.Pop();
                int el = exact(lo), eh = exact(hi);
                if (el != fast(lo) || eh != fast(hi))
                    return false;
                if (el == eh || hi - lo <= 1)
                    continue;
                long mid = lo + (hi - lo) / 2;
                stack.Push((lo, mid));
                stack.Push((mid, hi));
            }
            return true;
        }

        /// <summary>QuantizeLinear of one float, as <see cref="Ops.Quantization"/> does it.</summary>
        private static int Code(float real, float scale, int zero, int qmin, int qmax)
        {
            double q = Math.Round((double)(real / scale), MidpointRounding.ToEven) + zero;
            return double.IsNaN(q) ? zero : (int)Math.Max(qmin, Math.Min(qmax, q));
        }

        private static bool IsFinite(double d) => !double.IsNaN(d) && !double.IsInfinity(d);
    }

    /// <summary>One channel's single-precision requantisation: multiplier, addend and the code bounds.</summary>
    internal sealed record FastChannel(float Multiplier, float Addend, int Lo, int Hi);
}
