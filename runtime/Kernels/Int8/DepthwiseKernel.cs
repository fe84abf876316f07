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
                // The last blocks: even and odd taps in two chains (integer partial sums, so still exact).
                for (; j + 16 <= count; j += 16)
                {
                    Vector512<float> a0 = default, a1 = default;
                    int t = 0;
                    for (; t + 2 <= tapCount; t += 2)
                    {
                        a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j)), Vector512.Create(Unsafe.Add(ref pw, t)), a0);
                        a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref px, Unsafe.Add(ref pt, t + 1) + j)), Vector512.Create(Unsafe.Add(ref pw, t + 1)), a1);
                    }
                    if (t < tapCount)
                        a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j)), Vector512.Create(Unsafe.Add(ref pw, t)), a0);
                    Vector512.ConvertToInt32(a0 + a1).StoreUnsafe(ref pa, (nuint)j);
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

        /// <summary>
        /// The same sum over a plane without padding columns (stride 1): rows follow each other at
        /// the input's width, and a tap that would reach across a row's edge is masked off instead.
        /// Tap <c>t</c> reads <c>x[taps[t] + j]</c> where <c>masks[tapMasks[t] · maskStride + j]</c>
        /// is all ones, and adds nothing where it is zero (<see cref="ColumnMasks"/>). The taps come
        /// in non-decreasing mask order (one kernel column after another): each mask is loaded
        /// once per block of outputs and serves its whole column of taps.
        /// </summary>
        public static void AccumulateMasked(ReadOnlySpan<float> x, ReadOnlySpan<int> taps, ReadOnlySpan<int> tapMasks, ReadOnlySpan<int> masks, int maskStride,
            ReadOnlySpan<float> w, Span<int> acc, int count)
        {
            if (count % Block != 0 || count < 0 || maskStride < count)
                throw new ArgumentException($"count {count} must be a non-negative multiple of {Block}, at most the mask stride {maskStride}", nameof(count));
            if (w.Length < taps.Length || tapMasks.Length < taps.Length || acc.Length < count)
                throw new ArgumentException("the weights, the tap masks or the accumulators are shorter than the taps read");
            int maxTap = 0;
            for (int t = 0; t < taps.Length; t++)
            {
                maxTap = Math.Max(maxTap, taps[t]);
                if (tapMasks[t] < 0 || (tapMasks[t] + 1) * maskStride > masks.Length || (t > 0 && tapMasks[t] < tapMasks[t - 1]))
                    throw new ArgumentException($"tap {t}'s mask is out of range or out of order", nameof(tapMasks));
            }
            if (maxTap + count > x.Length)
                throw new ArgumentException("the plane is shorter than the taps read", nameof(x));
            ref float px = ref MemoryMarshal.GetReference(x);
            ref int pt = ref MemoryMarshal.GetReference(taps);
            ref int pm = ref MemoryMarshal.GetReference(tapMasks);
            ref int pk = ref MemoryMarshal.GetReference(masks);
            ref float pw = ref MemoryMarshal.GetReference(w);
            ref int pa = ref MemoryMarshal.GetReference(acc);
            int tapCount = taps.Length, j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                // Four chains cover the FMA latency.
                for (; j + 64 <= count; j += 64)
                {
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    for (int t = 0; t < tapCount;)
                    {
                        int mask = Unsafe.Add(ref pm, t);
                        ref int mt = ref Unsafe.Add(ref pk, mask * maskStride + j);
                        Vector512<int> m0 = Vector512.LoadUnsafe(ref mt), m1 = Vector512.LoadUnsafe(ref mt, 16), m2 = Vector512.LoadUnsafe(ref mt, 32), m3 = Vector512.LoadUnsafe(ref mt, 48);
                        do
                        {
                            ref float xt = ref Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j);
                            var wt = Vector512.Create(Unsafe.Add(ref pw, t));
                            a0 = Vector512.FusedMultiplyAdd((Vector512.LoadUnsafe(ref xt).AsInt32() & m0).AsSingle(), wt, a0);
                            a1 = Vector512.FusedMultiplyAdd((Vector512.LoadUnsafe(ref xt, 16).AsInt32() & m1).AsSingle(), wt, a1);
                            a2 = Vector512.FusedMultiplyAdd((Vector512.LoadUnsafe(ref xt, 32).AsInt32() & m2).AsSingle(), wt, a2);
                            a3 = Vector512.FusedMultiplyAdd((Vector512.LoadUnsafe(ref xt, 48).AsInt32() & m3).AsSingle(), wt, a3);
                        }
                        while (++t < tapCount && Unsafe.Add(ref pm, t) == mask);
                    }
                    Vector512.ConvertToInt32(a0).StoreUnsafe(ref pa, (nuint)j);
                    Vector512.ConvertToInt32(a1).StoreUnsafe(ref pa, (nuint)j + 16);
                    Vector512.ConvertToInt32(a2).StoreUnsafe(ref pa, (nuint)j + 32);
                    Vector512.ConvertToInt32(a3).StoreUnsafe(ref pa, (nuint)j + 48);
                }
                // The last blocks: even and odd taps in two chains (integer partial sums, so still exact).
                for (; j + 16 <= count; j += 16)
                {
                    Vector512<float> a0 = default, a1 = default;
                    for (int t = 0; t < tapCount; t++)
                    {
                        var xt = Vector512.LoadUnsafe(ref Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j)).AsInt32();
                        var mt = Vector512.LoadUnsafe(ref Unsafe.Add(ref pk, Unsafe.Add(ref pm, t) * maskStride + j));
                        var product = (xt & mt).AsSingle();
                        if ((t & 1) == 0)
                            a0 = Vector512.FusedMultiplyAdd(product, Vector512.Create(Unsafe.Add(ref pw, t)), a0);
                        else
                            a1 = Vector512.FusedMultiplyAdd(product, Vector512.Create(Unsafe.Add(ref pw, t)), a1);
                    }
                    Vector512.ConvertToInt32(a0 + a1).StoreUnsafe(ref pa, (nuint)j);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 32 <= count; j += 32)
                {
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    for (int t = 0; t < tapCount;)
                    {
                        int mask = Unsafe.Add(ref pm, t);
                        ref int mt = ref Unsafe.Add(ref pk, mask * maskStride + j);
                        Vector256<int> m0 = Vector256.LoadUnsafe(ref mt), m1 = Vector256.LoadUnsafe(ref mt, 8), m2 = Vector256.LoadUnsafe(ref mt, 16), m3 = Vector256.LoadUnsafe(ref mt, 24);
                        do
                        {
                            ref float xt = ref Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j);
                            var wt = Vector256.Create(Unsafe.Add(ref pw, t));
                            a0 = Vector256.FusedMultiplyAdd((Vector256.LoadUnsafe(ref xt).AsInt32() & m0).AsSingle(), wt, a0);
                            a1 = Vector256.FusedMultiplyAdd((Vector256.LoadUnsafe(ref xt, 8).AsInt32() & m1).AsSingle(), wt, a1);
                            a2 = Vector256.FusedMultiplyAdd((Vector256.LoadUnsafe(ref xt, 16).AsInt32() & m2).AsSingle(), wt, a2);
                            a3 = Vector256.FusedMultiplyAdd((Vector256.LoadUnsafe(ref xt, 24).AsInt32() & m3).AsSingle(), wt, a3);
                        }
                        while (++t < tapCount && Unsafe.Add(ref pm, t) == mask);
                    }
                    Vector256.ConvertToInt32(a0).StoreUnsafe(ref pa, (nuint)j);
                    Vector256.ConvertToInt32(a1).StoreUnsafe(ref pa, (nuint)j + 8);
                    Vector256.ConvertToInt32(a2).StoreUnsafe(ref pa, (nuint)j + 16);
                    Vector256.ConvertToInt32(a3).StoreUnsafe(ref pa, (nuint)j + 24);
                }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                for (; j + 8 <= count; j += 8)
                {
                    Vector128<float> a0 = default, a1 = default;
                    for (int t = 0; t < tapCount;)
                    {
                        int mask = Unsafe.Add(ref pm, t);
                        ref int mt = ref Unsafe.Add(ref pk, mask * maskStride + j);
                        Vector128<int> m0 = Vector128.LoadUnsafe(ref mt), m1 = Vector128.LoadUnsafe(ref mt, 4);
                        do
                        {
                            ref float xt = ref Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j);
                            var wt = Vector128.Create(Unsafe.Add(ref pw, t));
                            // Multiply and add apart: exact either way, and portable to targets without FMA.
                            a0 += (Vector128.LoadUnsafe(ref xt).AsInt32() & m0).AsSingle() * wt;
                            a1 += (Vector128.LoadUnsafe(ref xt, 4).AsInt32() & m1).AsSingle() * wt;
                        }
                        while (++t < tapCount && Unsafe.Add(ref pm, t) == mask);
                    }
                    Vector128.ConvertToInt32(a0).StoreUnsafe(ref pa, (nuint)j);
                    Vector128.ConvertToInt32(a1).StoreUnsafe(ref pa, (nuint)j + 4);
                }
            }
            for (; j < count; j++)
            {
                float a = 0;
                for (int t = 0; t < tapCount; t++)
                    if (Unsafe.Add(ref pk, Unsafe.Add(ref pm, t) * maskStride + j) != 0)
                        a += Unsafe.Add(ref px, Unsafe.Add(ref pt, t) + j) * Unsafe.Add(ref pw, t);
                Unsafe.Add(ref pa, j) = (int)a;
            }
        }

        /// <summary>
        /// The masks of <see cref="AccumulateMasked"/> for rows of <paramref name="width"/>: row
        /// <c>k</c> is all ones at position <c>j</c> when column <c>j mod width</c> moved by
        /// <c>columnShifts[k]</c> stays inside the row. The pattern repeats every row, so masks
        /// made for one call's count serve every call that starts at a row.
        /// </summary>
        public static void ColumnMasks(int width, ReadOnlySpan<int> columnShifts, int count, Span<int> masks)
        {
            if (width <= 0 || masks.Length < columnShifts.Length * count)
                throw new ArgumentException("the masks do not fit", nameof(masks));
            for (int k = 0; k < columnShifts.Length; k++)
            {
                int shift = columnShifts[k];
                var row = masks.Slice(k * count, count);
                for (int j = 0, column = 0; j < count; j++)
                {
                    int moved = column + shift;
                    row[j] = moved >= 0 && moved < width ? -1 : 0;
                    if (++column == width)
                        column = 0;
                }
            }
        }
    }
}
