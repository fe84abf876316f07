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
            for (int h = 0; h < height; h++)
            {
                int hp = h + padTop, py = hp % strideH, hv = hp / strideH;
                var row = x.Slice(h * width, width);
                if (strideW == 1)
                {
                    var target = dst.Slice(py * planeWords + hv * planeCols + padLeft, width);
                    Convert(row, signed, zero, target);
                    continue;
                }
                // Strided: each column phase takes every strideW-th input column, into consecutive words.
                for (int px = 0; px < strideW; px++)
                {
                    int w0 = ((px - padLeft) % strideW + strideW) % strideW;
                    var target = dst.Slice((py * strideW + px) * planeWords + hv * planeCols + (w0 + padLeft) / strideW);
                    int w = w0, k = 0;
                    if (strideW == 2)
                        k = ConvertEveryOther(row.Slice(w0), signed, zero, target);
                    for (w += 2 * k; w < width; w += strideW, k++)
                        target[k] = (signed ? (sbyte)row[w] : row[w]) - zero;
                }
            }
        }

        /// <summary>One channel for the masked kernel: its rows stay back to back, as <c>x - zx</c> floats at <paramref name="dst"/>.</summary>
        public static void PackRows(ReadOnlySpan<byte> x, bool signed, int zero, Span<float> dst) => Convert(x, signed, zero, dst.Slice(0, x.Length));

        /// <summary>
        /// Bytes 0, 2, 4, ... of <paramref name="row"/> to <c>value - zero</c> floats, eight at a time
        /// (each 16-bit word holds one wanted byte in its low half); returns how many it wrote, the
        /// caller does the rest.
        /// </summary>
        private static int ConvertEveryOther(ReadOnlySpan<byte> row, bool signed, int zero, Span<float> target)
        {
            int k = 0;
            if (!Vector128.IsHardwareAccelerated)
                return 0;
            var z = Vector128.Create(zero);
            for (; 2 * k + 16 <= row.Length; k += 8)
            {
                var words = Vector128.Create(row.Slice(2 * k, 16)).AsInt16();
                var even = signed ? (words << 8) >> 8 : words & Vector128.Create((short)0xFF);
                var (lo, hi) = Vector128.Widen(even);
                Vector128.ConvertToSingle(lo - z).CopyTo(target.Slice(k));
                Vector128.ConvertToSingle(hi - z).CopyTo(target.Slice(k + 4));
            }
            return k;
        }

        /// <summary>Bytes to <c>value - zero</c> as floats, 16 at a time where vectors are fast.</summary>
        private static void Convert(ReadOnlySpan<byte> row, bool signed, int zero, Span<float> target)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var z = Vector512.Create(zero);
                for (; i + 16 <= row.Length; i += 16)
                {
                    // One widening of 16 bytes straight to 16 int lanes (vpmovzxbd / vpmovsxbd).
                    var bytes = Vector128.Create(row.Slice(i, 16));
                    var lanes = signed ? Vector512.WidenLower(Vector256.WidenLower(bytes.AsSByte().ToVector256()).ToVector512()).AsInt32()
                        : Vector512.WidenLower(Vector256.WidenLower(bytes.ToVector256()).ToVector512()).AsInt32();
                    Vector512.ConvertToSingle(lanes - z).CopyTo(target.Slice(i));
                }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                var z = Vector128.Create(zero);
                for (; i + 16 <= row.Length; i += 16)
                {
                    var bytes = Vector128.Create(row.Slice(i, 16));
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
                    Vector128.ConvertToSingle(a - z).CopyTo(target.Slice(i));
                    Vector128.ConvertToSingle(b - z).CopyTo(target.Slice(i + 4));
                    Vector128.ConvertToSingle(c - z).CopyTo(target.Slice(i + 8));
                    Vector128.ConvertToSingle(d - z).CopyTo(target.Slice(i + 12));
                }
            }
            for (; i < row.Length; i++)
                target[i] = (signed ? (sbyte)row[i] : row[i]) - zero;
        }
    }
}
