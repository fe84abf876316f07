using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// The depthwise convolution micro-kernel: one channel's plane, output positions in vector
    /// lanes, <c>acc[j] = Σ_t x[taps[t] + j] · w[t]</c>. The plane holds <c>x - zx</c> as floats
    /// (<see cref="DepthwisePacker"/>) and the weights <c>w - zw</c> as floats: every product and
    /// partial sum is an integer below 2^24 (the compiler proves <c>255 · Σ|w| &lt; 2^24</c>), so
    /// float fused multiply-adds are exact whatever the order, and the result converts to the
    /// same int32 the integer formula gives. Float FMA is the fastest exact multiply-add for one
    /// input channel a tap (no four-channel words to fill).
    /// </summary>
    public static class DepthwiseKernel
    {
        public const int Block = 16;

        public static void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<int> taps, ReadOnlySpan<float> w, Span<int> acc, int count)
        {
            if (count % Block != 0 || count < 0)
                throw new ArgumentException($"count {count} must be a non-negative multiple of {Block}", nameof(count));
            int maxTap = 0;
            foreach (int t in taps)
                maxTap = Math.Max(maxTap, t);
            if (w.Length < taps.Length || maxTap + count > x.Length || acc.Length < count)
                throw new ArgumentException("the plane, the weights or the accumulators are shorter than the taps read");
            ref float px = ref MemoryMarshal.GetReference(x);
            ref int pt = ref MemoryMarshal.GetReference(taps);
            ref float pw = ref MemoryMarshal.GetReference(w);
            ref int pa = ref MemoryMarshal.GetReference(acc);
            int tapCount = taps.Length, j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                // Four independent chains of fused multiply-adds: enough to cover the FMA latency.
                for (; j + 64 <= count; j += 64)
                {
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    for (int t = 0; t < tapCount; t++)
                    {
                        ref float xt = ref Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j);
                        var wt = Vector512.Create(Unsafe.Add(ref pw, t));
                        a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xt), wt, a0);
                        a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xt, 16), wt, a1);
                        a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xt, 32), wt, a2);
                        a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xt, 48), wt, a3);
                    }
                    Vector512.ConvertToInt32(a0).StoreUnsafe(ref pa, (nuint)j);
                    Vector512.ConvertToInt32(a1).StoreUnsafe(ref pa, (nuint)j + 16);
                    Vector512.ConvertToInt32(a2).StoreUnsafe(ref pa, (nuint)j + 32);
                    Vector512.ConvertToInt32(a3).StoreUnsafe(ref pa, (nuint)j + 48);
                }
                for (; j + 16 <= count; j += 16)
                {
                    Vector512<float> a0 = default;
                    for (int t = 0; t < tapCount; t++)
                        a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j)), Vector512.Create(Unsafe.Add(ref pw, t)), a0);
                    Vector512.ConvertToInt32(a0).StoreUnsafe(ref pa, (nuint)j);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 16 <= count; j += 16)
                {
                    Vector256<float> a0 = default, a1 = default;
                    for (int t = 0; t < tapCount; t++)
                    {
                        ref float xt = ref Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j);
                        var wt = Vector256.Create(Unsafe.Add(ref pw, t));
                        a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xt), wt, a0);
                        a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xt, 8), wt, a1);
                    }
                    Vector256.ConvertToInt32(a0).StoreUnsafe(ref pa, (nuint)j);
                    Vector256.ConvertToInt32(a1).StoreUnsafe(ref pa, (nuint)j + 8);
                }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                for (; j + 8 <= count; j += 8)
                {
                    Vector128<float> a0 = default, a1 = default;
                    for (int t = 0; t < tapCount; t++)
                    {
                        ref float xt = ref Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j);
                        var wt = Vector128.Create(Unsafe.Add(ref pw, t));
                        // Multiply and add apart: exact either way, and portable to targets without FMA.
                        a0 += Vector128.LoadUnsafe(ref xt) * wt;
                        a1 += Vector128.LoadUnsafe(ref xt, 4) * wt;
                    }
                    Vector128.ConvertToInt32(a0).StoreUnsafe(ref pa, (nuint)j);
                    Vector128.ConvertToInt32(a1).StoreUnsafe(ref pa, (nuint)j + 4);
                }
            }
            for (; j < count; j++)
            {
                float a = 0;
                for (int t = 0; t < tapCount; t++)
                    a += Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j) * Unsafe.Add(ref pw, t);
                Unsafe.Add(ref pa, j) = (int)a;
            }
        }
    }
}
