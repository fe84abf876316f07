using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// Depthwise convolution with channels in the vector lanes, for strided layers and small planes
    /// where per-channel work would cost more than the arithmetic: the input is transposed once
    /// into a padded channels-last plane of <c>x - zx</c> floats (<see cref="Pack"/>), then every
    /// output pixel is, per tap, fused multiply-adds of its channels' inputs with their weights. As in
    /// <see cref="DepthwiseKernel"/>, every product and partial sum is an integer below 2^24
    /// (proven by the compiler), so the float sums are exact in any order.
    /// </summary>
    public static class DepthwiseChannelsKernel
    {
        public const int LaneBlock = 16;

        /// <summary>
        /// <c>plane[((h + padTop) · planeWidth + w + padLeft) · lanes + c] = x[c, h, w] - zero</c>, and 0
        /// everywhere else in the <paramref name="planeHeight"/> rows: the padding rows and columns and
        /// the lanes past the last channel. With AVX2, eight channels of eight pixels a step: each
        /// channel's eight bytes widened to floats, then transposed in registers.
        /// </summary>
        public static void Pack(ReadOnlySpan<byte> x, bool signed, int zero, int channels, int height, int width, int padTop, int padLeft,
            int planeHeight, int planeWidth, int lanes, Span<float> plane)
        {
            if (lanes % LaneBlock != 0 || channels > lanes || x.Length < channels * height * width || padLeft + width > planeWidth
                || padTop + height > planeHeight || (long)planeHeight * planeWidth * lanes > plane.Length)
                throw new ArgumentException("the input or the plane do not fit the shapes");
            // The padding, in as few runs as it takes: the top rows with the first row's left columns,
            // each row's right columns with the next row's left ones, the last row's right columns with the bottom rows.
            int gap = (planeWidth - width) * lanes;
            int first = (padTop * planeWidth + padLeft) * lanes;
            plane.Slice(0, first).Clear();
            for (int h = 0; h + 1 < height; h++)
                plane.Slice(first + (h * planeWidth + width) * lanes, gap).Clear();
            int end = first + ((height - 1) * planeWidth + width) * lanes;
            plane.Slice(end, planeHeight * planeWidth * lanes - end).Clear();
            if (lanes > channels)
                for (int h = 0; h < height; h++)
                    for (int w = 0; w < width; w++)
                        plane.Slice(first + (h * planeWidth + w) * lanes + channels, lanes - channels).Clear();
            // Bounds checked above; from here on by reference.
            ref byte px = ref MemoryMarshal.GetReference(x);
            ref float pp = ref MemoryMarshal.GetReference(plane);
            int pixels = height * width;
            if (Avx2.IsSupported && channels >= 8 && pixels >= 8)
            {
                var z = Vector256.Create(zero);
                // The last block of channels and of pixels overlaps the one before: the same values again.
                for (int c0 = 0; c0 < channels; c0 = NextBlock(c0, channels))
                    for (int p0 = 0; p0 < pixels; p0 = NextBlock(p0, pixels))
                    {
                        ref byte source = ref Unsafe.Add(ref px, c0 * pixels + p0);
                        var r0 = Widen(ref source, signed, z);
                        var r1 = Widen(ref Unsafe.Add(ref source, pixels), signed, z);
                        var r2 = Widen(ref Unsafe.Add(ref source, 2 * pixels), signed, z);
                        var r3 = Widen(ref Unsafe.Add(ref source, 3 * pixels), signed, z);
                        var r4 = Widen(ref Unsafe.Add(ref source, 4 * pixels), signed, z);
                        var r5 = Widen(ref Unsafe.Add(ref source, 5 * pixels), signed, z);
                        var r6 = Widen(ref Unsafe.Add(ref source, 6 * pixels), signed, z);
                        var r7 = Widen(ref Unsafe.Add(ref source, 7 * pixels), signed, z);
                        Transpose8x8.Apply(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                        int h = p0 / width, w = p0 - h * width;
                        ref float target = ref Unsafe.Add(ref pp, c0);
                        int at = first + (h * planeWidth + w) * lanes;
                        Store(r0, ref target, ref at, ref w, width, gap, lanes);
                        Store(r1, ref target, ref at, ref w, width, gap, lanes);
                        Store(r2, ref target, ref at, ref w, width, gap, lanes);
                        Store(r3, ref target, ref at, ref w, width, gap, lanes);
                        Store(r4, ref target, ref at, ref w, width, gap, lanes);
                        Store(r5, ref target, ref at, ref w, width, gap, lanes);
                        Store(r6, ref target, ref at, ref w, width, gap, lanes);
                        Store(r7, ref target, ref at, ref w, width, gap, lanes);
                    }
                return;
            }
            for (int c = 0; c < channels; c++)
            {
                ref byte source = ref Unsafe.Add(ref px, c * pixels);
                for (int h = 0; h < height; h++)
                {
                    ref byte row = ref Unsafe.Add(ref source, h * width);
                    ref float target = ref Unsafe.Add(ref pp, ((h + padTop) * planeWidth + padLeft) * lanes + c);
                    for (int w = 0; w < width; w++)
                        Unsafe.Add(ref target, w * lanes) = (signed ? (sbyte)Unsafe.Add(ref row, w) : Unsafe.Add(ref row, w)) - zero;
                }
            }
        }

        /// <summary>The start of the next block of eight after <paramref name="at"/>: the last one ends at <paramref name="count"/>, overlapping the one before.</summary>
        internal static int NextBlock(int at, int count) => at + 8 >= count ? count : Math.Min(at + 8, count - 8);

        /// <summary>Eight bytes as <c>value - zero</c> floats.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Widen(ref byte source, bool signed, Vector256<int> zero)
        {
            var bytes = Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte();
            var ints = signed ? Avx2.ConvertToVector256Int32(bytes.AsSByte()) : Avx2.ConvertToVector256Int32(bytes);
            return Vector256.ConvertToSingle(ints - zero);
        }

        /// <summary>One pixel's eight channels at plane offset <paramref name="at"/>, then on to the next pixel of the input (past <paramref name="gap"/> floats of padding at a row's end).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(Vector256<float> channels, ref float plane, ref int at, ref int w, int width, int gap, int lanes)
        {
            channels.StoreUnsafe(ref plane, (nuint)at);
            at += lanes;
            if (++w == width)
            {
                w = 0;
                at += gap;
            }
        }

        /// <summary>
        /// <c>acc[(oy · outWidth + ox) · lanes + c] = Σ_t plane[((oy · strideH) · planeWidth + ox · strideW + taps[t]) · lanes + c] · w[t · lanes + c]</c>,
        /// <paramref name="taps"/> in pixels of the plane. Four output pixels (512 bits) or two (below)
        /// at a time share each weight load, and their lanes make four or eight independent chains of
        /// fused multiply-adds (to cover the FMA latency at any channel count).
        /// </summary>
        public static void Accumulate(ReadOnlySpan<float> plane, int lanes, int planeWidth, ReadOnlySpan<int> taps, ReadOnlySpan<float> w,
            int outHeight, int outWidth, int strideH, int strideW, Span<int> acc)
        {
            int maxTap = 0;
            foreach (int t in taps)
                maxTap = Math.Max(maxTap, t);
            long lastPixel = (long)(outHeight - 1) * strideH * planeWidth + (outWidth - 1) * strideW + maxTap;
            if (lanes % LaneBlock != 0 || w.Length < taps.Length * lanes || acc.Length < outHeight * outWidth * lanes || (lastPixel + 1) * lanes > plane.Length)
                throw new ArgumentException("the plane, the weights or the accumulators are shorter than the taps read");
            ref float px = ref MemoryMarshal.GetReference(plane);
            ref float pw = ref MemoryMarshal.GetReference(w);
            ref int pa = ref MemoryMarshal.GetReference(acc);
            ref int pt = ref MemoryMarshal.GetReference(taps);
            int tapCount = taps.Length;
            if (Vector512.IsHardwareAccelerated)
            {
                // Four output pixels in raster order a step (the last step repeats its last pixel where
                // fewer are left): each weight load serves four FMAs, in eight independent chains.
                int pixels = outHeight * outWidth;
                for (int p = 0; p < pixels; p += 4)
                {
                    int p1 = Math.Min(p + 1, pixels - 1), p2 = Math.Min(p + 2, pixels - 1), p3 = Math.Min(p + 3, pixels - 1);
                    Quad(ref px, ref pt, tapCount, ref pw, lanes,
                        Origin(p, outWidth, strideH, strideW, planeWidth), Origin(p1, outWidth, strideH, strideW, planeWidth),
                        Origin(p2, outWidth, strideH, strideW, planeWidth), Origin(p3, outWidth, strideH, strideW, planeWidth),
                        ref Unsafe.Add(ref pa, p * lanes), ref Unsafe.Add(ref pa, p1 * lanes), ref Unsafe.Add(ref pa, p2 * lanes), ref Unsafe.Add(ref pa, p3 * lanes));
                }
                return;
            }
            for (int oy = 0; oy < outHeight; oy++)
            {
                int ox = 0;
                for (; ox + 2 <= outWidth; ox += 2)
                {
                    int origin = oy * strideH * planeWidth + ox * strideW, pixel = oy * outWidth + ox;
                    Pair(ref px, ref pt, tapCount, ref pw, lanes, origin, origin + strideW, ref Unsafe.Add(ref pa, pixel * lanes), ref Unsafe.Add(ref pa, (pixel + 1) * lanes));
                }
                if (ox < outWidth)
                {
                    int origin = oy * strideH * planeWidth + ox * strideW, pixel = oy * outWidth + ox;
                    ref int a = ref Unsafe.Add(ref pa, pixel * lanes);
                    Pair(ref px, ref pt, tapCount, ref pw, lanes, origin, origin, ref a, ref a);
                }
            }
        }

        /// <summary>The plane pixel where output pixel <paramref name="pixel"/>'s window starts.</summary>
        private static int Origin(int pixel, int outWidth, int strideH, int strideW, int planeWidth)
        {
            int oy = pixel / outWidth;
            return oy * strideH * planeWidth + (pixel - oy * outWidth) * strideW;
        }

        /// <summary>The sums of four output pixels whose windows start at plane pixels <paramref name="o0"/> to <paramref name="o3"/>, 512 bits wide.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Quad(ref float px, ref int pt, int tapCount, ref float pw, int lanes, int o0, int o1, int o2, int o3,
            ref int acc0, ref int acc1, ref int acc2, ref int acc3)
        {
            int c = 0;
            for (; c + 32 <= lanes; c += 32)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
                ref float wt = ref Unsafe.Add(ref pw, c);
                ref float y0 = ref Unsafe.Add(ref px, o0 * lanes + c), y1 = ref Unsafe.Add(ref px, o1 * lanes + c);
                ref float y2 = ref Unsafe.Add(ref px, o2 * lanes + c), y3 = ref Unsafe.Add(ref px, o3 * lanes + c);
                for (int t = 0; t < tapCount; t++, wt = ref Unsafe.Add(ref wt, lanes))
                {
                    nint tap = Unsafe.Add(ref pt, t) * lanes;
                    Vector512<float> w0 = Vector512.LoadUnsafe(ref wt), w1 = Vector512.LoadUnsafe(ref wt, 16);
                    ref float x0 = ref Unsafe.Add(ref y0, tap);
                    ref float x1 = ref Unsafe.Add(ref y1, tap);
                    ref float x2 = ref Unsafe.Add(ref y2, tap);
                    ref float x3 = ref Unsafe.Add(ref y3, tap);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x0), w0, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x1), w0, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x2), w0, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x3), w0, a3);
                    b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x0, 16), w1, b0);
                    b1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x1, 16), w1, b1);
                    b2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x2, 16), w1, b2);
                    b3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x3, 16), w1, b3);
                }
                Vector512.ConvertToInt32(a0).StoreUnsafe(ref acc0, (nuint)c);
                Vector512.ConvertToInt32(a1).StoreUnsafe(ref acc1, (nuint)c);
                Vector512.ConvertToInt32(a2).StoreUnsafe(ref acc2, (nuint)c);
                Vector512.ConvertToInt32(a3).StoreUnsafe(ref acc3, (nuint)c);
                Vector512.ConvertToInt32(b0).StoreUnsafe(ref acc0, (nuint)c + 16);
                Vector512.ConvertToInt32(b1).StoreUnsafe(ref acc1, (nuint)c + 16);
                Vector512.ConvertToInt32(b2).StoreUnsafe(ref acc2, (nuint)c + 16);
                Vector512.ConvertToInt32(b3).StoreUnsafe(ref acc3, (nuint)c + 16);
            }
            if (c < lanes)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int t = 0; t < tapCount; t++)
                {
                    int tap = Unsafe.Add(ref pt, t);
                    var w0 = Vector512.LoadUnsafe(ref pw, (nuint)(t * lanes + c));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref px, (nuint)((o0 + tap) * lanes + c)), w0, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref px, (nuint)((o1 + tap) * lanes + c)), w0, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref px, (nuint)((o2 + tap) * lanes + c)), w0, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref px, (nuint)((o3 + tap) * lanes + c)), w0, a3);
                }
                Vector512.ConvertToInt32(a0).StoreUnsafe(ref acc0, (nuint)c);
                Vector512.ConvertToInt32(a1).StoreUnsafe(ref acc1, (nuint)c);
                Vector512.ConvertToInt32(a2).StoreUnsafe(ref acc2, (nuint)c);
                Vector512.ConvertToInt32(a3).StoreUnsafe(ref acc3, (nuint)c);
            }
        }

        /// <summary>The sums of the output pixels whose windows start at plane pixels <paramref name="origin0"/> and <paramref name="origin1"/> (the same pixel twice for a lone one).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Pair(ref float px, ref int pt, int tapCount, ref float pw, int lanes, int origin0, int origin1, ref int acc0, ref int acc1)
        {
            int c = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // 32 lanes of the pair: eight chains, twice the FMAs in flight of the 16-lane step below.
                for (; c + 32 <= lanes; c += 32)
                {
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
                    for (int t = 0; t < tapCount; t++)
                    {
                        int tap = Unsafe.Add(ref pt, t);
                        ref float wt = ref Unsafe.Add(ref pw, t * lanes + c);
                        ref float x0 = ref Unsafe.Add(ref px, (origin0 + tap) * lanes + c);
                        ref float x1 = ref Unsafe.Add(ref px, (origin1 + tap) * lanes + c);
                        Vector256<float> w0 = Vector256.LoadUnsafe(ref wt), w1 = Vector256.LoadUnsafe(ref wt, 8), w2 = Vector256.LoadUnsafe(ref wt, 16), w3 = Vector256.LoadUnsafe(ref wt, 24);
                        a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0), w0, a0);
                        a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, 8), w1, a1);
                        a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, 16), w2, a2);
                        a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, 24), w3, a3);
                        b0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1), w0, b0);
                        b1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1, 8), w1, b1);
                        b2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1, 16), w2, b2);
                        b3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1, 24), w3, b3);
                    }
                    Vector256.ConvertToInt32(a0).StoreUnsafe(ref acc0, (nuint)c);
                    Vector256.ConvertToInt32(a1).StoreUnsafe(ref acc0, (nuint)c + 8);
                    Vector256.ConvertToInt32(a2).StoreUnsafe(ref acc0, (nuint)c + 16);
                    Vector256.ConvertToInt32(a3).StoreUnsafe(ref acc0, (nuint)c + 24);
                    Vector256.ConvertToInt32(b0).StoreUnsafe(ref acc1, (nuint)c);
                    Vector256.ConvertToInt32(b1).StoreUnsafe(ref acc1, (nuint)c + 8);
                    Vector256.ConvertToInt32(b2).StoreUnsafe(ref acc1, (nuint)c + 16);
                    Vector256.ConvertToInt32(b3).StoreUnsafe(ref acc1, (nuint)c + 24);
                }
                for (; c < lanes; c += 16)
                {
                    Vector256<float> a0 = default, a1 = default, b0 = default, b1 = default;
                    for (int t = 0; t < tapCount; t++)
                    {
                        int tap = Unsafe.Add(ref pt, t);
                        ref float wt = ref Unsafe.Add(ref pw, t * lanes + c);
                        ref float x0 = ref Unsafe.Add(ref px, (origin0 + tap) * lanes + c);
                        ref float x1 = ref Unsafe.Add(ref px, (origin1 + tap) * lanes + c);
                        Vector256<float> w0 = Vector256.LoadUnsafe(ref wt), w1 = Vector256.LoadUnsafe(ref wt, 8);
                        a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0), w0, a0);
                        a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, 8), w1, a1);
                        b0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1), w0, b0);
                        b1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1, 8), w1, b1);
                    }
                    Vector256.ConvertToInt32(a0).StoreUnsafe(ref acc0, (nuint)c);
                    Vector256.ConvertToInt32(a1).StoreUnsafe(ref acc0, (nuint)c + 8);
                    Vector256.ConvertToInt32(b0).StoreUnsafe(ref acc1, (nuint)c);
                    Vector256.ConvertToInt32(b1).StoreUnsafe(ref acc1, (nuint)c + 8);
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                for (; c < lanes; c += 8)
                {
                    Vector128<float> a0 = default, a1 = default, b0 = default, b1 = default;
                    for (int t = 0; t < tapCount; t++)
                    {
                        int tap = Unsafe.Add(ref pt, t);
                        ref float wt = ref Unsafe.Add(ref pw, t * lanes + c);
                        ref float x0 = ref Unsafe.Add(ref px, (origin0 + tap) * lanes + c);
                        ref float x1 = ref Unsafe.Add(ref px, (origin1 + tap) * lanes + c);
                        Vector128<float> w0 = Vector128.LoadUnsafe(ref wt), w1 = Vector128.LoadUnsafe(ref wt, 4);
                        // Multiply and add apart: exact either way, and portable to targets without FMA.
                        a0 += Vector128.LoadUnsafe(ref x0) * w0;
                        a1 += Vector128.LoadUnsafe(ref x0, 4) * w1;
                        b0 += Vector128.LoadUnsafe(ref x1) * w0;
                        b1 += Vector128.LoadUnsafe(ref x1, 4) * w1;
                    }
                    Vector128.ConvertToInt32(a0).StoreUnsafe(ref acc0, (nuint)c);
                    Vector128.ConvertToInt32(a1).StoreUnsafe(ref acc0, (nuint)c + 4);
                    Vector128.ConvertToInt32(b0).StoreUnsafe(ref acc1, (nuint)c);
                    Vector128.ConvertToInt32(b1).StoreUnsafe(ref acc1, (nuint)c + 4);
                }
            }
            for (; c < lanes; c++)
            {
                float s0 = 0, s1 = 0;
                for (int t = 0; t < tapCount; t++)
                {
                    int tap = Unsafe.Add(ref pt, t);
                    float wt = Unsafe.Add(ref pw, t * lanes + c);
                    s0 += Unsafe.Add(ref px, (origin0 + tap) * lanes + c) * wt;
                    s1 += Unsafe.Add(ref px, (origin1 + tap) * lanes + c) * wt;
                }
                Unsafe.Add(ref acc0, c) = (int)s0;
                Unsafe.Add(ref acc1, c) = (int)s1;
            }
        }
    }
}
