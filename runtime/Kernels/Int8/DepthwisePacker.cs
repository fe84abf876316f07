using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// Packs one channel of a u8 (or s8) NCHW input for <see cref="DepthwiseKernel"/>: the
    /// padded plane split into stride phases as <see cref="ConvInputPacker"/> does, each element
    /// <c>x - zx</c> as a float. Padding and slack must hold 0 (the centred zero point): the caller
    /// clears the plane once per layer, since every channel writes the same positions.
    /// </summary>
    public static class DepthwisePacker
    {
        public static void Pack(ReadOnlySpan<byte> x, bool signed, int zero, int height, int width,
            int padTop, int padLeft, int strideH, int strideW, int planeRows, int planeCols, int planeWords, Span<float> dst)
        {
            int phases = strideH * strideW;
            if (x.Length < height * width || dst.Length < phases * planeWords || planeRows * planeCols > planeWords)
                throw new ArgumentException("the plane does not fit");
            // Where each column phase starts, worked out once: divisions per row would cost more than the row.
            Span<int> firstColumn = stackalloc int[strideW], firstWord = stackalloc int[strideW];
            for (int px = 0; px < strideW; px++)
            {
                firstColumn[px] = ((px - padLeft) % strideW + strideW) % strideW;
                firstWord[px] = (firstColumn[px] + padLeft) / strideW;
            }
            int py = padTop % strideH, hv = padTop / strideH;
            for (int h = 0; h < height; h++)
            {
                var row = x.Slice(h * width, width);
                if (strideW == 1)
                    Convert(row, signed, zero, dst.Slice(py * planeWords + hv * planeCols + padLeft, width));
                else
                {
                    // Strided: each column phase takes every strideW-th input column, into consecutive words.
                    for (int px = 0; px < strideW; px++)
                    {
                        int w0 = firstColumn[px];
                        var target = dst.Slice((py * strideW + px) * planeWords + hv * planeCols + firstWord[px]);
                        int k = strideW == 2 ? ConvertEveryOther(row.Slice(w0), signed, zero, target) : 0;
                        for (int w = w0 + strideW * k; w < width; w += strideW, k++)
                            target[k] = (signed ? (sbyte)row[w] : row[w]) - zero;
                    }
                }
                if (++py == strideH)
                {
                    py = 0;
                    hv++;
                }
            }
        }

        /// <summary>One channel for the masked kernel: its rows stay back to back, as <c>x - zx</c> floats at <paramref name="dst"/>.</summary>
        public static void PackRows(ReadOnlySpan<byte> x, bool signed, int zero, Span<float> dst) => Convert(x, signed, zero, dst.Slice(0, x.Length));

        /// <summary>
        /// Bytes 0, 2, 4, ... of <paramref name="row"/> to <c>value - zero</c> floats, eight at a time
        /// (each 16-bit word holds one wanted byte in its low half; the last eight may overlap the
        /// ones before, read one byte earlier from the high halves); returns how many it wrote,
        /// the caller does the rest.
        /// </summary>
        private static int ConvertEveryOther(ReadOnlySpan<byte> row, bool signed, int zero, Span<float> target)
        {
            if (!Vector128.IsHardwareAccelerated)
                return 0;
            int k = 0, n = (row.Length + 1) / 2;
            if (Vector512.IsHardwareAccelerated)
            {
                // 32 bytes a step: sixteen words, their low bytes widened to sixteen int lanes at once.
                var z = Vector512.Create(zero);
                for (; 2 * k + 32 <= row.Length; k += 16)
                {
                    var words = Vector256.Create(row.Slice(2 * k, 32)).AsInt16();
                    var picked = signed ? (words << 8) >> 8 : words & Vector256.Create((short)0xFF);
                    Vector512.ConvertToSingle(Vector512.WidenLower(picked.ToVector512()) - z).CopyTo(target.Slice(k));
                }
            }
            for (; 2 * k + 16 <= row.Length; k += 8)
                StoreEight(Vector128.Create(row.Slice(2 * k, 16)).AsInt16(), low: true, signed, zero, target.Slice(k));
            if (k < n && row.Length >= 16)
            {
                int last = 2 * (n - 8);
                if (last + 16 <= row.Length)
                    StoreEight(Vector128.Create(row.Slice(last, 16)).AsInt16(), low: true, signed, zero, target.Slice(n - 8));
                else
                    StoreEight(Vector128.Create(row.Slice(last - 1, 16)).AsInt16(), low: false, signed, zero, target.Slice(n - 8));
                k = n;
            }
            return k;
        }

        /// <summary>The low (or high) byte of each of eight 16-bit words, less the zero point, as eight floats.</summary>
        private static void StoreEight(Vector128<short> words, bool low, bool signed, int zero, Span<float> target)
        {
            var picked = low ? (signed ? (words << 8) >> 8 : words & Vector128.Create((short)0xFF))
                : (signed ? words >> 8 : (words.AsUInt16() >>> 8).AsInt16());
            var (lo, hi) = Vector128.Widen(picked);
            var z = Vector128.Create(zero);
            Vector128.ConvertToSingle(lo - z).CopyTo(target);
            Vector128.ConvertToSingle(hi - z).CopyTo(target.Slice(4));
        }

        /// <summary>Bytes to <c>value - zero</c> as floats, 16 at a time where vectors are fast (a ragged end overlaps the block before it).</summary>
        private static void Convert(ReadOnlySpan<byte> row, bool signed, int zero, Span<float> target)
        {
            int i = 0;
            if (Vector128.IsHardwareAccelerated && row.Length >= 16)
            {
                for (; i + 16 <= row.Length; i += 16)
                    StoreSixteen(row.Slice(i, 16), signed, zero, target.Slice(i));
                if (i < row.Length)
                    StoreSixteen(row.Slice(row.Length - 16, 16), signed, zero, target.Slice(row.Length - 16));
                return;
            }
            for (; i < row.Length; i++)
                target[i] = (signed ? (sbyte)row[i] : row[i]) - zero;
        }

        private static void StoreSixteen(ReadOnlySpan<byte> source, bool signed, int zero, Span<float> target)
        {
            var bytes = Vector128.Create(source);
            if (Vector512.IsHardwareAccelerated)
            {
                // One widening of 16 bytes straight to 16 int lanes (vpmovzxbd / vpmovsxbd).
                var lanes = signed ? Vector512.WidenLower(Vector256.WidenLower(bytes.AsSByte().ToVector256()).ToVector512())
                    : Vector512.WidenLower(Vector256.WidenLower(bytes.ToVector256()).ToVector512()).AsInt32();
                Vector512.ConvertToSingle(lanes - Vector512.Create(zero)).CopyTo(target);
                return;
            }
            Vector128<int> a, b, c, d;
            if (signed)
            {
                var (lo, hi) = Vector128.Widen(bytes.AsSByte());
                (a, b) = Vector128.Widen(lo);
                (c, d) = Vector128.Widen(hi);
            }
            else
            {
                var (lo, hi) = Vector128.Widen(bytes);
                (a, b) = Vector128.Widen(lo.AsInt16());
                (c, d) = Vector128.Widen(hi.AsInt16());
            }
            var z = Vector128.Create(zero);
            Vector128.ConvertToSingle(a - z).CopyTo(target);
            Vector128.ConvertToSingle(b - z).CopyTo(target.Slice(4));
            Vector128.ConvertToSingle(c - z).CopyTo(target.Slice(8));
            Vector128.ConvertToSingle(d - z).CopyTo(target.Slice(12));
        }
    }
}
