using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// The u8 × s8 convolution micro-kernel with output pixels in vector lanes:
    /// <c>acc[r, j] = Σ_q Σ_t dot4(x[q·quadStride + taps[t] + j], w[r, q·T + t])</c>.
    /// <para>
    /// <c>x</c> is the input packed by <see cref="ConvInputPacker"/>: 32-bit words of four
    /// channels, in planes whose index is the virtual output position, so that every tap of a
    /// convolution (any stride, dilation and padding) is a constant offset and consecutive
    /// outputs read consecutive words. <c>w</c> holds, per output channel, the words of its
    /// weights in (channel quad, tap) order. The weights are broadcast, the activations loaded:
    /// a tile of 4 channels × 64 outputs keeps 16 accumulators in registers.
    /// </para>
    /// <c>count</c> is a multiple of <see cref="Block"/>; x must be readable up to the last block.
    /// </summary>
    public static class ConvKernel
    {
        /// <summary>Outputs are computed in blocks of this many (one 512-bit vector of int32).</summary>
        public const int Block = 16;

        public static void Accumulate<TDot>(ReadOnlySpan<int> x, int quadStride, ReadOnlySpan<int> taps, int quads,
            ReadOnlySpan<int> w, int rows, Span<int> acc, int count) where TDot : IDot4
        {
            int tapCount = taps.Length, wRow = quads * tapCount;
            if (count % Block != 0 || count < 0)
                throw new ArgumentException($"count {count} must be a non-negative multiple of {Block}", nameof(count));
            int maxTap = 0;
            foreach (int t in taps)
                maxTap = Math.Max(maxTap, t);
            if (quads > 0 && (long)(quads - 1) * quadStride + maxTap + count > x.Length)
                throw new ArgumentException("the packed input is shorter than the taps read", nameof(x));
            if ((long)rows * wRow > w.Length || (long)rows * count > acc.Length)
                throw new ArgumentException("the weights or the accumulators are shorter than rows say");

            ref int px = ref MemoryMarshal.GetReference(x);
            ref int pt = ref MemoryMarshal.GetReference(taps);
            ref int pw = ref MemoryMarshal.GetReference(w);
            ref int pa = ref MemoryMarshal.GetReference(acc);
            if (Dot4.Use512)
                Run512<TDot>(ref px, quadStride, ref pt, tapCount, quads, ref pw, rows, ref pa, count);
            else if (Dot4.Use256)
                Run256<TDot>(ref px, quadStride, ref pt, tapCount, quads, ref pw, rows, ref pa, count);
            else if (Dot4.Use128)
                Run128(ref px, quadStride, ref pt, tapCount, quads, ref pw, rows, ref pa, count);
            else
                RunScalar(ref px, quadStride, ref pt, tapCount, quads, ref pw, rows, ref pa, count);
        }

        private static void Run512<TDot>(ref int x, int quadStride, ref int taps, int tapCount, int quads, ref int w, int rows, ref int acc, int count) where TDot : IDot4
        {
            int wRow = quads * tapCount;
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                ref int wr = ref Unsafe.Add(ref w, r * wRow);
                ref int ar = ref Unsafe.Add(ref acc, r * count);
                int j = 0;
                for (; j + 64 <= count; j += 64)
                    Tile512x4x4<TDot>(ref Unsafe.Add(ref x, j), quadStride, ref taps, tapCount, quads, ref wr, wRow, ref Unsafe.Add(ref ar, j), count);
                for (; j < count; j += 16)
                    Tile512x4x1<TDot>(ref Unsafe.Add(ref x, j), quadStride, ref taps, tapCount, quads, ref wr, wRow, ref Unsafe.Add(ref ar, j), count);
            }
            for (; r < rows; r++)
                for (int j = 0; j < count; j += 16)
                {
                    var a = Vector512<int>.Zero;
                    for (int q = 0; q < quads; q++)
                    {
                        ref int xq = ref Unsafe.Add(ref x, q * quadStride + j);
                        ref int wq = ref Unsafe.Add(ref w, r * wRow + q * tapCount);
                        for (int t = 0; t < tapCount; t++)
                            a = TDot.Accumulate(a, Vector512.LoadUnsafe(ref Unsafe.Add(ref xq, Unsafe.Add(ref taps, t))).AsByte(), Vector512.Create(Unsafe.Add(ref wq, t)).AsSByte());
                    }
                    a.StoreUnsafe(ref Unsafe.Add(ref acc, r * count + j));
                }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile512x4x4<TDot>(ref int x, int quadStride, ref int taps, int tapCount, int quads, ref int w, int wRow, ref int acc, int count) where TDot : IDot4
        {
            Vector512<int> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector512<int> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<int> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector512<int> a30 = default, a31 = default, a32 = default, a33 = default;
            for (int q = 0; q < quads; q++)
            {
                ref int xq = ref Unsafe.Add(ref x, q * quadStride);
                ref int wq = ref Unsafe.Add(ref w, q * tapCount);
                for (int t = 0; t < tapCount; t++)
                {
                    ref int xt = ref Unsafe.Add(ref xq, Unsafe.Add(ref taps, t));
                    var x0 = Vector512.LoadUnsafe(ref xt).AsByte();
                    var x1 = Vector512.LoadUnsafe(ref xt, 16).AsByte();
                    var x2 = Vector512.LoadUnsafe(ref xt, 32).AsByte();
                    var x3 = Vector512.LoadUnsafe(ref xt, 48).AsByte();
                    ref int wt = ref Unsafe.Add(ref wq, t);
                    var w0 = Vector512.Create(wt).AsSByte();
                    a00 = TDot.Accumulate(a00, x0, w0); a01 = TDot.Accumulate(a01, x1, w0); a02 = TDot.Accumulate(a02, x2, w0); a03 = TDot.Accumulate(a03, x3, w0);
                    var w1 = Vector512.Create(Unsafe.Add(ref wt, wRow)).AsSByte();
                    a10 = TDot.Accumulate(a10, x0, w1); a11 = TDot.Accumulate(a11, x1, w1); a12 = TDot.Accumulate(a12, x2, w1); a13 = TDot.Accumulate(a13, x3, w1);
                    var w2 = Vector512.Create(Unsafe.Add(ref wt, 2 * wRow)).AsSByte();
                    a20 = TDot.Accumulate(a20, x0, w2); a21 = TDot.Accumulate(a21, x1, w2); a22 = TDot.Accumulate(a22, x2, w2); a23 = TDot.Accumulate(a23, x3, w2);
                    var w3 = Vector512.Create(Unsafe.Add(ref wt, 3 * wRow)).AsSByte();
                    a30 = TDot.Accumulate(a30, x0, w3); a31 = TDot.Accumulate(a31, x1, w3); a32 = TDot.Accumulate(a32, x2, w3); a33 = TDot.Accumulate(a33, x3, w3);
                }
            }
            a00.StoreUnsafe(ref acc); a01.StoreUnsafe(ref acc, 16); a02.StoreUnsafe(ref acc, 32); a03.StoreUnsafe(ref acc, 48);
            ref int acc1 = ref Unsafe.Add(ref acc, count);
            a10.StoreUnsafe(ref acc1); a11.StoreUnsafe(ref acc1, 16); a12.StoreUnsafe(ref acc1, 32); a13.StoreUnsafe(ref acc1, 48);
            ref int acc2 = ref Unsafe.Add(ref acc, 2 * count);
            a20.StoreUnsafe(ref acc2); a21.StoreUnsafe(ref acc2, 16); a22.StoreUnsafe(ref acc2, 32); a23.StoreUnsafe(ref acc2, 48);
            ref int acc3 = ref Unsafe.Add(ref acc, 3 * count);
            a30.StoreUnsafe(ref acc3); a31.StoreUnsafe(ref acc3, 16); a32.StoreUnsafe(ref acc3, 32); a33.StoreUnsafe(ref acc3, 48);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile512x4x1<TDot>(ref int x, int quadStride, ref int taps, int tapCount, int quads, ref int w, int wRow, ref int acc, int count) where TDot : IDot4
        {
            Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int q = 0; q < quads; q++)
            {
                ref int xq = ref Unsafe.Add(ref x, q * quadStride);
                ref int wq = ref Unsafe.Add(ref w, q * tapCount);
                for (int t = 0; t < tapCount; t++)
                {
                    var x0 = Vector512.LoadUnsafe(ref Unsafe.Add(ref xq, Unsafe.Add(ref taps, t))).AsByte();
                    ref int wt = ref Unsafe.Add(ref wq, t);
                    a0 = TDot.Accumulate(a0, x0, Vector512.Create(wt).AsSByte());
                    a1 = TDot.Accumulate(a1, x0, Vector512.Create(Unsafe.Add(ref wt, wRow)).AsSByte());
                    a2 = TDot.Accumulate(a2, x0, Vector512.Create(Unsafe.Add(ref wt, 2 * wRow)).AsSByte());
                    a3 = TDot.Accumulate(a3, x0, Vector512.Create(Unsafe.Add(ref wt, 3 * wRow)).AsSByte());
                }
            }
            a0.StoreUnsafe(ref acc);
            a1.StoreUnsafe(ref Unsafe.Add(ref acc, count));
            a2.StoreUnsafe(ref Unsafe.Add(ref acc, 2 * count));
            a3.StoreUnsafe(ref Unsafe.Add(ref acc, 3 * count));
        }

        /// <summary>Four rows × 32 outputs (four 256-bit vectors each) per tile, then 16-output and single-row tails.</summary>
        private static void Run256<TDot>(ref int x, int quadStride, ref int taps, int tapCount, int quads, ref int w, int rows, ref int acc, int count) where TDot : IDot4
        {
            int wRow = quads * tapCount;
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                ref int wr = ref Unsafe.Add(ref w, r * wRow);
                ref int ar = ref Unsafe.Add(ref acc, r * count);
                int j = 0;
                for (; j + 32 <= count; j += 32)
                    Tile256x4x4<TDot>(ref Unsafe.Add(ref x, j), quadStride, ref taps, tapCount, quads, ref wr, wRow, ref Unsafe.Add(ref ar, j), count);
                for (; j < count; j += 16)
                    Tile256x4x2<TDot>(ref Unsafe.Add(ref x, j), quadStride, ref taps, tapCount, quads, ref wr, wRow, ref Unsafe.Add(ref ar, j), count);
            }
            for (; r < rows; r++)
                for (int j = 0; j < count; j += 8)
                {
                    var a = Vector256<int>.Zero;
                    for (int q = 0; q < quads; q++)
                    {
                        ref int xq = ref Unsafe.Add(ref x, q * quadStride + j);
                        ref int wq = ref Unsafe.Add(ref w, r * wRow + q * tapCount);
                        for (int t = 0; t < tapCount; t++)
                            a = TDot.Accumulate(a, Vector256.LoadUnsafe(ref Unsafe.Add(ref xq, Unsafe.Add(ref taps, t))).AsByte(), Vector256.Create(Unsafe.Add(ref wq, t)).AsSByte());
                    }
                    a.StoreUnsafe(ref Unsafe.Add(ref acc, r * count + j));
                }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile256x4x4<TDot>(ref int x, int quadStride, ref int taps, int tapCount, int quads, ref int w, int wRow, ref int acc, int count) where TDot : IDot4
        {
            Vector256<int> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector256<int> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector256<int> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector256<int> a30 = default, a31 = default, a32 = default, a33 = default;
            for (int q = 0; q < quads; q++)
            {
                ref int xq = ref Unsafe.Add(ref x, q * quadStride);
                ref int wq = ref Unsafe.Add(ref w, q * tapCount);
                for (int t = 0; t < tapCount; t++)
                {
                    ref int xt = ref Unsafe.Add(ref xq, Unsafe.Add(ref taps, t));
                    var x0 = Vector256.LoadUnsafe(ref xt).AsByte();
                    var x1 = Vector256.LoadUnsafe(ref xt, 8).AsByte();
                    var x2 = Vector256.LoadUnsafe(ref xt, 16).AsByte();
                    var x3 = Vector256.LoadUnsafe(ref xt, 24).AsByte();
                    ref int wt = ref Unsafe.Add(ref wq, t);
                    var w0 = Vector256.Create(wt).AsSByte();
                    a00 = TDot.Accumulate(a00, x0, w0); a01 = TDot.Accumulate(a01, x1, w0); a02 = TDot.Accumulate(a02, x2, w0); a03 = TDot.Accumulate(a03, x3, w0);
                    var w1 = Vector256.Create(Unsafe.Add(ref wt, wRow)).AsSByte();
                    a10 = TDot.Accumulate(a10, x0, w1); a11 = TDot.Accumulate(a11, x1, w1); a12 = TDot.Accumulate(a12, x2, w1); a13 = TDot.Accumulate(a13, x3, w1);
                    var w2 = Vector256.Create(Unsafe.Add(ref wt, 2 * wRow)).AsSByte();
                    a20 = TDot.Accumulate(a20, x0, w2); a21 = TDot.Accumulate(a21, x1, w2); a22 = TDot.Accumulate(a22, x2, w2); a23 = TDot.Accumulate(a23, x3, w2);
                    var w3 = Vector256.Create(Unsafe.Add(ref wt, 3 * wRow)).AsSByte();
                    a30 = TDot.Accumulate(a30, x0, w3); a31 = TDot.Accumulate(a31, x1, w3); a32 = TDot.Accumulate(a32, x2, w3); a33 = TDot.Accumulate(a33, x3, w3);
                }
            }
            a00.StoreUnsafe(ref acc); a01.StoreUnsafe(ref acc, 8); a02.StoreUnsafe(ref acc, 16); a03.StoreUnsafe(ref acc, 24);
            ref int acc1 = ref Unsafe.Add(ref acc, count);
            a10.StoreUnsafe(ref acc1); a11.StoreUnsafe(ref acc1, 8); a12.StoreUnsafe(ref acc1, 16); a13.StoreUnsafe(ref acc1, 24);
            ref int acc2 = ref Unsafe.Add(ref acc, 2 * count);
            a20.StoreUnsafe(ref acc2); a21.StoreUnsafe(ref acc2, 8); a22.StoreUnsafe(ref acc2, 16); a23.StoreUnsafe(ref acc2, 24);
            ref int acc3 = ref Unsafe.Add(ref acc, 3 * count);
            a30.StoreUnsafe(ref acc3); a31.StoreUnsafe(ref acc3, 8); a32.StoreUnsafe(ref acc3, 16); a33.StoreUnsafe(ref acc3, 24);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile256x4x2<TDot>(ref int x, int quadStride, ref int taps, int tapCount, int quads, ref int w, int wRow, ref int acc, int count) where TDot : IDot4
        {
            Vector256<int> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
            for (int q = 0; q < quads; q++)
            {
                ref int xq = ref Unsafe.Add(ref x, q * quadStride);
                ref int wq = ref Unsafe.Add(ref w, q * tapCount);
                for (int t = 0; t < tapCount; t++)
                {
                    ref int xt = ref Unsafe.Add(ref xq, Unsafe.Add(ref taps, t));
                    var x0 = Vector256.LoadUnsafe(ref xt).AsByte();
                    var x1 = Vector256.LoadUnsafe(ref xt, 8).AsByte();
                    ref int wt = ref Unsafe.Add(ref wq, t);
                    var w0 = Vector256.Create(wt).AsSByte();
                    var w1 = Vector256.Create(Unsafe.Add(ref wt, wRow)).AsSByte();
                    var w2 = Vector256.Create(Unsafe.Add(ref wt, 2 * wRow)).AsSByte();
                    var w3 = Vector256.Create(Unsafe.Add(ref wt, 3 * wRow)).AsSByte();
                    a00 = TDot.Accumulate(a00, x0, w0); a01 = TDot.Accumulate(a01, x1, w0);
                    a10 = TDot.Accumulate(a10, x0, w1); a11 = TDot.Accumulate(a11, x1, w1);
                    a20 = TDot.Accumulate(a20, x0, w2); a21 = TDot.Accumulate(a21, x1, w2);
                    a30 = TDot.Accumulate(a30, x0, w3); a31 = TDot.Accumulate(a31, x1, w3);
                }
            }
            a00.StoreUnsafe(ref acc); a01.StoreUnsafe(ref acc, 8);
            ref int acc1 = ref Unsafe.Add(ref acc, count);
            a10.StoreUnsafe(ref acc1); a11.StoreUnsafe(ref acc1, 8);
            ref int acc2 = ref Unsafe.Add(ref acc, 2 * count);
            a20.StoreUnsafe(ref acc2); a21.StoreUnsafe(ref acc2, 8);
            ref int acc3 = ref Unsafe.Add(ref acc, 3 * count);
            a30.StoreUnsafe(ref acc3); a31.StoreUnsafe(ref acc3, 8);
        }

        /// <summary>The portable path (ARM64's too): one row × 4 outputs per vector, exact for any weights.</summary>
        private static void Run128(ref int x, int quadStride, ref int taps, int tapCount, int quads, ref int w, int rows, ref int acc, int count)
        {
            int wRow = quads * tapCount;
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < count; j += 8)
                {
                    Vector128<int> a0 = default, a1 = default;
                    for (int q = 0; q < quads; q++)
                    {
                        ref int xq = ref Unsafe.Add(ref x, q * quadStride + j);
                        ref int wq = ref Unsafe.Add(ref w, r * wRow + q * tapCount);
                        for (int t = 0; t < tapCount; t++)
                        {
                            ref int xt = ref Unsafe.Add(ref xq, Unsafe.Add(ref taps, t));
                            var wv = Vector128.Create(Unsafe.Add(ref wq, t));
                            a0 = Dot4.Accumulate(a0, Vector128.LoadUnsafe(ref xt), wv);
                            a1 = Dot4.Accumulate(a1, Vector128.LoadUnsafe(ref xt, 4), wv);
                        }
                    }
                    a0.StoreUnsafe(ref Unsafe.Add(ref acc, r * count + j));
                    a1.StoreUnsafe(ref Unsafe.Add(ref acc, r * count + j + 4));
                }
        }

        private static void RunScalar(ref int x, int quadStride, ref int taps, int tapCount, int quads, ref int w, int rows, ref int acc, int count)
        {
            int wRow = quads * tapCount;
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < count; j++)
                {
                    int a = 0;
                    for (int q = 0; q < quads; q++)
                        for (int t = 0; t < tapCount; t++)
                            a += Dot4.Scalar(Unsafe.Add(ref x, q * quadStride + Unsafe.Add(ref taps, t) + j), Unsafe.Add(ref w, r * wRow + q * tapCount + t));
                    Unsafe.Add(ref acc, r * count + j) = a;
                }
        }
    }
}
