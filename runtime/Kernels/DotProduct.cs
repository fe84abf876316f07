using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels
{
    /// <summary>
    /// Σ a[i]·b[i] of two f32 rows, summed in double: each product of two floats is exact in
    /// double, so the result differs from the reference interpreter's sequential double sum only
    /// by the order of additions, far below float precision. Widest vectors first
    /// (512, 256, 128 bits, then scalar); the tail is one more vector that overlaps the last full
    /// one, its already-counted lanes masked to zero.
    /// </summary>
    public static class DotProduct
    {
        public static double Sum(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            if (a.Length != b.Length)
                throw new ArgumentException($"rows of different lengths {a.Length} and {b.Length}", nameof(b));
            ref float pa = ref MemoryMarshal.GetReference(a);
            ref float pb = ref MemoryMarshal.GetReference(b);
            int n = a.Length;
            if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
                return Sum512(ref pa, ref pb, n);
            if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
                return Sum256(ref pa, ref pb, n);
            if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
                return Sum128(ref pa, ref pb, n);
            return SumScalar(ref pa, ref pb, n);
        }

        private static double Sum512(ref float a, ref float b, int n)
        {
            int width = Vector512<float>.Count;
            Vector512<double> lo = Vector512<double>.Zero, hi = Vector512<double>.Zero;
            int i = 0;
            for (; i <= n - width; i += width)
                Accumulate(Vector512.LoadUnsafe(ref a, (nuint)i), Vector512.LoadUnsafe(ref b, (nuint)i), ref lo, ref hi);
            if (i < n)
            {
                var keep = Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(i - (n - width))).AsSingle();
                Accumulate(Vector512.LoadUnsafe(ref a, (nuint)(n - width)) & keep, Vector512.LoadUnsafe(ref b, (nuint)(n - width)) & keep, ref lo, ref hi);
            }
            return Vector512.Sum(lo + hi);
        }

        private static double Sum256(ref float a, ref float b, int n)
        {
            int width = Vector256<float>.Count;
            Vector256<double> lo = Vector256<double>.Zero, hi = Vector256<double>.Zero;
            int i = 0;
            for (; i <= n - width; i += width)
                Accumulate(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i), ref lo, ref hi);
            if (i < n)
            {
                var keep = Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(i - (n - width))).AsSingle();
                Accumulate(Vector256.LoadUnsafe(ref a, (nuint)(n - width)) & keep, Vector256.LoadUnsafe(ref b, (nuint)(n - width)) & keep, ref lo, ref hi);
            }
            return Vector256.Sum(lo + hi);
        }

        private static double Sum128(ref float a, ref float b, int n)
        {
            int width = Vector128<float>.Count;
            Vector128<double> lo = Vector128<double>.Zero, hi = Vector128<double>.Zero;
            int i = 0;
            for (; i <= n - width; i += width)
                Accumulate(Vector128.LoadUnsafe(ref a, (nuint)i), Vector128.LoadUnsafe(ref b, (nuint)i), ref lo, ref hi);
            if (i < n)
            {
                var keep = Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(i - (n - width))).AsSingle();
                Accumulate(Vector128.LoadUnsafe(ref a, (nuint)(n - width)) & keep, Vector128.LoadUnsafe(ref b, (nuint)(n - width)) & keep, ref lo, ref hi);
            }
            return Vector128.Sum(lo + hi);
        }

        private static double SumScalar(ref float a, ref float b, int n)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
                sum += (double)Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
            return sum;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Accumulate(Vector512<float> a, Vector512<float> b, ref Vector512<double> lo, ref Vector512<double> hi)
        {
            lo += Vector512.WidenLower(a) * Vector512.WidenLower(b);
            hi += Vector512.WidenUpper(a) * Vector512.WidenUpper(b);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Accumulate(Vector256<float> a, Vector256<float> b, ref Vector256<double> lo, ref Vector256<double> hi)
        {
            lo += Vector256.WidenLower(a) * Vector256.WidenLower(b);
            hi += Vector256.WidenUpper(a) * Vector256.WidenUpper(b);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Accumulate(Vector128<float> a, Vector128<float> b, ref Vector128<double> lo, ref Vector128<double> hi)
        {
            lo += Vector128.WidenLower(a) * Vector128.WidenLower(b);
            hi += Vector128.WidenUpper(a) * Vector128.WidenUpper(b);
        }
    }
}
