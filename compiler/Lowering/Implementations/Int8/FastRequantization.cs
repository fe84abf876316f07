using System;
using System.Collections.Generic;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Int8
{
    /// <summary>
    /// Proves, for one output channel, that single precision gives the interpreter's output codes
    /// (or, where no proof holds, bounds its error so the runtime knows which values to check):
    /// <c>clamp(roundHalfEven((float)acc · m + b) + zy, lo, hi)</c> with <c>m = (float)(scale / sy)</c>,
    /// <c>b = (float)(bias / sy)</c> (or, where those put a step one sum off, an m and b fitted to
    /// the exact steps), against the exact <c>quantize(act((float)(acc · scale + bias)))</c>,
    /// for every sum the channel can reach. Both are monotone step functions of the sum, so they are
    /// equal everywhere when they are equal at the ends of every interval bisection reaches where one
    /// of them changes: the check evaluates each about 2 · 32 times per code step, at build time. The
    /// fused activation becomes the clamp bounds (Relu: the code of 0; Clip: the codes of its bounds);
    /// HardSwish is not monotone and is not tried.
    /// </summary>
    internal static class FastRequantization
    {
        /// <summary>Whether a layer's channels get a single-precision form (all but those with huge sums, which a cost estimate can ignore).</summary>
        public static bool Applies(Value output, FusedActivation? activation) => output.Quant != null && activation?.Kind != ActivationKind.HardSwish;

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
            int Exact(long acc)
            {
                float real = (float)(acc * scale + bias);
                return Code(activation == null ? real : activation.Apply(real), outScale, outZero, qmin, qmax);
            }
            // Each float operation rounded to float explicitly, as the runtime's vector code does.
            Func<long, int> Fast(float fm, float fb) =>
                acc => Math.Max(lo, Math.Min(hi, (int)Math.Round((double)(float)((float)((float)acc * fm) + fb), MidpointRounding.ToEven) + outZero));
            if (Agree(accLo, accHi, Exact, Fast(m, b)))
                return new FastChannel(m, b, lo, hi, NeverNear);
            // The rounded scale/outScale and bias/outScale put a code step on the wrong side of an
            // integer sum: fit a multiplier and addend to the exact steps instead.
            var fit = Fit(accLo, accHi, Exact, outZero, m, lo, hi);
            if (fit is { } f && Agree(accLo, accHi, Exact, Fast(f.M, f.B)))
                return new FastChannel(f.M, f.B, lo, hi, NeverNear);
            // No single-precision form agrees everywhere: keep m and b, and send every value that
            // lands within the error bound of a rounding boundary to the exact form.
            double bound = ErrorBound(scale, bias, outScale, m, b, Math.Max(Math.Abs(accLo), Math.Abs(accHi)), Math.Max(Math.Abs(lo - outZero), Math.Abs(hi - outZero)));
            // The guard rounded down to a float (its ulp is 6e-8): a larger one would let a value through unchecked.
            return bound < 0.25 ? new FastChannel(m, b, lo, hi, (float)(0.5 - bound - 1e-7)) : null;
        }

        /// <summary>The guard of a channel whose single-precision form is proven: no distance from an integer exceeds it.</summary>
        private const float NeverNear = 1f;

        /// <summary>
        /// A bound on <c>|y - q|</c> between the single-precision value <c>y = fl(fl(a · m) + b)</c> and
        /// the exact form's <c>q = fl32(fl32(a · scale + bias) / outScale)</c>, for every sum
        /// <c>|a| &lt;= accMax</c> whose value is within one code of the reachable codes
        /// (<c>|Y| &lt;= codeMax + 2</c> for the real <c>Y = (a · scale + bias) / outScale</c>); beyond, both
        /// clamp alike. Where the two round differently a rounding boundary lies between them, so
        /// <c>y</c> is then within the bound of it: the runtime checks <c>|y - round(y)| &gt; 1/2 - bound</c>.
        /// </summary>
        private static double ErrorBound(double scale, double bias, float outScale, float m, float b, long accMax, int codeMax)
        {
            const double u = 1.0 / (1 << 24); // float's unit roundoff
            if (accMax >= 1 << 24)
                return double.PositiveInfinity; // the sum itself would round on its way to float
            double yMax = codeMax + 2;
            // m and b against the real scale/outScale and bias/outScale, over every sum.
            double constants = accMax * Math.Abs(m - scale / outScale) + Math.Abs(b - bias / outScale);
            // y: the product rounded (|a · m| <= |Y| + |b| + constants), then the sum rounded.
            double fast = u * (yMax + Math.Abs(b) + constants) + u * (yMax + constants);
            // q: a · scale + bias in double (whose product may cancel against the bias) then to float, then the float division.
            double exact = 2.1 * u * yMax + Math.Pow(2, -51) * (yMax + Math.Abs(b) + constants);
            return constants + fast + exact + 1e-12;
        }

        /// <summary>
        /// A multiplier and addend near <paramref name="m0"/> whose rounding reproduces every step of
        /// the exact (non-decreasing) code function over [<paramref name="accLo"/>, <paramref name="accHi"/>]:
        /// with <c>y(a) = a · m + b</c> and each step to code <c>k</c> at the sum <c>t</c>, it needs
        /// <c>y(t - 1) &lt; h &lt;= y(t)</c> for <c>h = k - zero - 1/2</c>. For a fixed m the feasible b form an
        /// interval whose width is concave in m; a ternary search finds the widest, and b is its middle,
        /// so every step keeps the largest margin from its rounding boundary.
        /// </summary>
        private static (float M, float B)? Fit(long accLo, long accHi, Func<long, int> exact, int zero, float m0, int lo, int hi)
        {
            if (!(m0 > 0))
                return null;
            int first = exact(accLo), last = exact(accHi);
            if (first > last)
                return null;
            // Each step (k, t): the first sum whose code is at least k; then the ends of the range.
            var below = new List<(double T, double H)>(); // y(t) >= h
            var above = new List<(double T, double H)>(); // y(t) < h
            for (int k = first + 1; k <= last; k++)
            {
                long a = accLo, c = accHi;
                while (a < c)
                {
                    long mid = a + (c - a) / 2;
                    if (exact(mid) >= k) c = mid; else a = mid + 1;
                }
                double h = k - zero - 0.5;
                below.Add((a, h));
                above.Add((a - 1, h));
            }
            // The ends, where the clamp does not already give their codes.
            if (first > lo)
                below.Add((accLo, first - zero - 0.5));
            if (last < hi)
                above.Add((accHi, last - zero + 0.5));
            // Bounds on b for a given m: the lower ones from "y(t) >= h", the upper ones from "y(t) < h".
            double Gap(double m, out double b)
            {
                double lower = double.NegativeInfinity, upper = double.PositiveInfinity;
                foreach (var (t, h) in below)
                    lower = Math.Max(lower, h - m * t);
                foreach (var (t, h) in above)
                    upper = Math.Min(upper, h - m * t);
                b = (lower + upper) / 2;
                return upper - lower;
            }
            double left = m0 * (1 - 1e-3), right = m0 * (1 + 1e-3);
            for (int i = 0; i < 200 && right - left > m0 * 1e-12; i++)
            {
                double a = left + (right - left) / 3, c = right - (right - left) / 3;
                if (Gap(a, out _) < Gap(c, out _)) left = a; else right = c;
            }
            double best = (left + right) / 2;
            return Gap(best, out double addend) > 0 ? ((float)best, (float)addend) : null;
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

    /// <summary>
    /// One channel's single-precision requantisation: multiplier, addend, the code bounds, and the
    /// guard: a value whose distance from the nearest integer exceeds it takes the exact form
    /// (1 where the single-precision form is proven for every sum).
    /// </summary>
    internal sealed record FastChannel(float Multiplier, float Addend, int Lo, int Hi, float Guard);
}
