using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// Depthwise convolution with channels in the vector lanes, for small planes where one
    /// channel's plane would not fill a vector: the input is transposed once into a padded
    /// channels-last plane of <c>x - zx</c> floats (<see cref="Pack"/>), then every output pixel
    /// is, per tap, one fused multiply-add of 16 channels' inputs with their 16 weights. As in
    /// <see cref="DepthwiseKernel"/>, every product and partial sum is an integer below 2^24
    /// (proven by the compiler), so the float sums are exact in any order.
    /// </summary>
    public static class DepthwiseChannelsKernel
    {
        public const int LaneBlock = 16;

        /// <summary>
        /// <c>plane[((h + padTop) · planeWidth + w + padLeft) · lanes + c] = x[c, h, w] - zero</c>;
        /// the padding must already hold 0 (the caller clears the plane).
        /// </summary>
        public static void Pack(ReadOnlySpan<byte> x, bool signed, int zero, int channels, int height, int width, int padTop, int padLeft,
            int planeWidth, int lanes, Span<float> plane)
        {
            if (lanes % LaneBlock != 0 || channels > lanes || x.Length < channels * height * width || padLeft + width > planeWidth
                || (long)(padTop + height) * planeWidth * lanes > plane.Length)
                throw new ArgumentException("the input or the plane do not fit the shapes");
            // Bounds checked above; the transpose is a scatter with stride lanes, one element at a time.
            ref byte px = ref MemoryMarshal.GetReference(x);
            ref float pp = ref MemoryMarshal.GetReference(plane);
            for (int c = 0; c < channels; c++)
            {
                ref byte source = ref Unsafe.Add(ref px, c * height * width);
                for (int h = 0; h < height; h++)
                {
                    ref byte row = ref Unsafe.Add(ref source, h * width);
                    ref float target = ref Unsafe.Add(ref pp, ((h + padTop) * planeWidth + padLeft) * lanes + c);
                    if (signed)
                        for (int w = 0; w < width; w++)
                            Unsafe.Add(ref target, w * lanes) = (sbyte)Unsafe.Add(ref row, w) - zero;
                    else
                        for (int w = 0; w < width; w++)
                            Unsafe.Add(ref target, w * lanes) = Unsafe.Add(ref row, w) - zero;
                }
            }
        }

        /// <summary>
        /// <c>acc[(oy · outWidth + ox) · lanes + c] = Σ_t plane[((oy · strideH) · planeWidth + ox · strideW + taps[t]) · lanes + c] · w[t · lanes + c]</c>,
        /// <paramref name="taps"/> in pixels of the plane.
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
            for (int oy = 0, pixel = 0; oy < outHeight; oy++)
                for (int ox = 0; ox < outWidth; ox++, pixel++)
                {
                    int origin = oy * strideH * planeWidth + ox * strideW;
                    ref int a = ref Unsafe.Add(ref pa, pixel * lanes);
                    int c = 0;
                    if (Vector512.IsHardwareAccelerated)
                    {
                        // Four blocks of 16 channels at once: independent chains cover the FMA latency.
                        for (; c + 64 <= lanes; c += 64)
                        {
                            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                            for (int t = 0; t < tapCount; t++)
                            {
                                ref float xt = ref Unsafe.Add(ref px, (origin + Unsafe.Add(ref pt, t)) * lanes + c);
                                ref float wt = ref Unsafe.Add(ref pw, t * lanes + c);
                                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xt), Vector512.LoadUnsafe(ref wt), a0);
                                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xt, 16), Vector512.LoadUnsafe(ref wt, 16), a1);
                                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xt, 32), Vector512.LoadUnsafe(ref wt, 32), a2);
                                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xt, 48), Vector512.LoadUnsafe(ref wt, 48), a3);
                            }
                            Vector512.ConvertToInt32(a0).StoreUnsafe(ref a, (nuint)c);
                            Vector512.ConvertToInt32(a1).StoreUnsafe(ref a, (nuint)c + 16);
                            Vector512.ConvertToInt32(a2).StoreUnsafe(ref a, (nuint)c + 32);
                            Vector512.ConvertToInt32(a3).StoreUnsafe(ref a, (nuint)c + 48);
                        }
                        for (; c < lanes; c += 16)
                        {
                            Vector512<float> a0 = default;
                            for (int t = 0; t < tapCount; t++)
                                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref Unsafe.Add(ref px, (origin + Unsafe.Add(ref pt, t)) * lanes + c)),
                                    Vector512.LoadUnsafe(ref Unsafe.Add(ref pw, t * lanes + c)), a0);
                            Vector512.ConvertToInt32(a0).StoreUnsafe(ref a, (nuint)c);
                        }
                    }
                    else if (Vector256.IsHardwareAccelerated)
                    {
                        // Four chains of 8 channels where there are 32: the FMA latency covered as at 512 bits.
                        for (; c + 32 <= lanes; c += 32)
                        {
                            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                            for (int t = 0; t < tapCount; t++)
                            {
                                ref float xt = ref Unsafe.Add(ref px, (origin + Unsafe.Add(ref pt, t)) * lanes + c);
                                ref float wt = ref Unsafe.Add(ref pw, t * lanes + c);
                                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xt), Vector256.LoadUnsafe(ref wt), a0);
                                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xt, 8), Vector256.LoadUnsafe(ref wt, 8), a1);
                                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xt, 16), Vector256.LoadUnsafe(ref wt, 16), a2);
                                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xt, 24), Vector256.LoadUnsafe(ref wt, 24), a3);
                            }
                            Vector256.ConvertToInt32(a0).StoreUnsafe(ref a, (nuint)c);
                            Vector256.ConvertToInt32(a1).StoreUnsafe(ref a, (nuint)c + 8);
                            Vector256.ConvertToInt32(a2).StoreUnsafe(ref a, (nuint)c + 16);
                            Vector256.ConvertToInt32(a3).StoreUnsafe(ref a, (nuint)c + 24);
                        }
                        for (; c < lanes; c += 16)
                        {
                            Vector256<float> a0 = default, a1 = default;
                            for (int t = 0; t < tapCount; t++)
                            {
                                ref float xt = ref Unsafe.Add(ref px, (origin + Unsafe.Add(ref pt, t)) * lanes + c);
                                ref float wt = ref Unsafe.Add(ref pw, t * lanes + c);
                                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xt), Vector256.LoadUnsafe(ref wt), a0);
                                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xt, 8), Vector256.LoadUnsafe(ref wt, 8), a1);
                            }
                            Vector256.ConvertToInt32(a0).StoreUnsafe(ref a, (nuint)c);
                            Vector256.ConvertToInt32(a1).StoreUnsafe(ref a, (nuint)c + 8);
                        }
                    }
                    else if (Vector128.IsHardwareAccelerated)
                    {
                        for (; c < lanes; c += 8)
                        {
                            Vector128<float> a0 = default, a1 = default;
                            for (int t = 0; t < tapCount; t++)
                            {
                                ref float xt = ref Unsafe.Add(ref px, (origin + Unsafe.Add(ref pt, t)) * lanes + c);
                                ref float wt = ref Unsafe.Add(ref pw, t * lanes + c);
                                // Multiply and add apart: exact either way, and portable to targets without FMA.
                                a0 += Vector128.LoadUnsafe(ref xt) * Vector128.LoadUnsafe(ref wt);
                                a1 += Vector128.LoadUnsafe(ref xt, 4) * Vector128.LoadUnsafe(ref wt, 4);
                            }
                            Vector128.ConvertToInt32(a0).StoreUnsafe(ref a, (nuint)c);
                            Vector128.ConvertToInt32(a1).StoreUnsafe(ref a, (nuint)c + 4);
                        }
                    }
                    for (; c < lanes; c++)
                    {
                        float s = 0;
                        for (int t = 0; t < tapCount; t++)
                            s += Unsafe.Add(ref px, (origin + Unsafe.Add(ref pt, t)) * lanes + c) * Unsafe.Add(ref pw, t * lanes + c);
                        Unsafe.Add(ref a, c) = (int)s;
                    }
                }
        }
    }
}
