using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// Packs one group of a convolution's u8 (or s8) NCHW input for <see cref="ConvKernel"/>:
    /// four channels to a 32-bit word, the padded image split into stride phases
    /// (space-to-depth), so that output (y, x) of tap (ky, kx) reads word
    /// <c>y·planeCols + x + (ky·dh / sh)·planeCols + kx·dw / sw</c> of phase
    /// <c>(ky·dh mod sh, kx·dw mod sw)</c>: every tap is a fixed offset, every stride 1.
    /// Layout: <c>[quad][phase][planeWords]</c>; padding, missing channels of the last quad and
    /// the slack after each plane hold <paramref name="fill"/> (the input's zero point), which
    /// contributes nothing to <c>Σ (x - zx)(w - zw)</c>. s8 inputs are flipped to u8
    /// (<c>x ^ 0x80</c>, zero point + 128) so one kernel serves both.
    /// </summary>
    public static class ConvInputPacker
    {
        public static void Pack(ReadOnlySpan<byte> x, int channels, int height, int width,
            int padTop, int padLeft, int strideH, int strideW,
            int planeRows, int planeCols, int planeWords, byte fill, byte flip, Span<int> dst)
        {
            int quads = (channels + 3) / 4, phases = strideH * strideW;
            if (x.Length < channels * height * width)
                throw new ArgumentException("the input is shorter than its shape", nameof(x));
            if (dst.Length < quads * phases * planeWords || planeRows * planeCols > planeWords)
                throw new ArgumentException("the packed planes do not fit", nameof(dst));
            int fillWord = fill * 0x01010101;
            if (phases == 1)
            {
                PackStrideOne(x, channels, height, width, padTop, padLeft, planeCols, planeWords, fill, flip, dst);
                return;
            }
            dst.Slice(0, quads * phases * planeWords).Fill(fillWord);
            // Per quad, input row and column phase: the phase's columns of the quad's four channels
            // split out (every strideW-th byte), then interleaved into consecutive words as for stride 1.
            const int Chunk = 256; // phase columns split at a time (stack scratch, no allocation)
            Span<byte> split = stackalloc byte[4 * Chunk];
            for (int q = 0; q < quads; q++)
                for (int h = 0; h < height; h++)
                {
                    int hp = h + padTop, py = hp % strideH, hv = hp / strideH;
                    if (hv >= planeRows)
                        continue;
                    for (int px = 0; px < strideW; px++)
                    {
                        int w0 = ((px - padLeft) % strideW + strideW) % strideW;
                        int count = (width - w0 + strideW - 1) / strideW;
                        int word = (q * phases + py * strideW + px) * planeWords + hv * planeCols + (w0 + padLeft) / strideW;
                        for (int j0 = 0; j0 < count; j0 += Chunk)
                        {
                            int n = Math.Min(Chunk, count - j0), first = w0 + j0 * strideW;
                            var r0 = PhaseRow(x, 4 * q, h, height, width, channels, first, strideW, split.Slice(0, n));
                            var r1 = PhaseRow(x, 4 * q + 1, h, height, width, channels, first, strideW, split.Slice(Chunk, n));
                            var r2 = PhaseRow(x, 4 * q + 2, h, height, width, channels, first, strideW, split.Slice(2 * Chunk, n));
                            var r3 = PhaseRow(x, 4 * q + 3, h, height, width, channels, first, strideW, split.Slice(3 * Chunk, n));
                            Interleave(r0, r1, r2, r3, fill, flip, dst.Slice(word + j0, n));
                        }
                    }
                }
        }

        /// <summary>Columns <c>w0, w0 + stride, ...</c> of row h of channel c into <paramref name="phase"/>; empty past the last channel.</summary>
        private static ReadOnlySpan<byte> PhaseRow(ReadOnlySpan<byte> x, int c, int h, int height, int width, int channels, int w0, int stride, Span<byte> phase)
        {
            if (c >= channels)
                return ReadOnlySpan<byte>.Empty;
            Strided.Gather<byte>(x.Slice((c * height + h) * width, width), w0, stride, phase);
            return phase;
        }

        /// <summary>
        /// Stride 1, one phase: each padded row is its four channels' input rows interleaved into
        /// words (16 pixels a step), and only the border (padding and slack) is filled.
        /// </summary>
        private static void PackStrideOne(ReadOnlySpan<byte> x, int channels, int height, int width, int padTop, int padLeft,
            int planeCols, int planeWords, byte fill, byte flip, Span<int> dst)
        {
            int fillWord = fill * 0x01010101, plane = height * width;
            for (int q = 0; q < (channels + 3) / 4; q++)
            {
                var words = dst.Slice(q * planeWords, planeWords);
                words.Slice(0, padTop * planeCols).Fill(fillWord);
                words.Slice((padTop + height) * planeCols).Fill(fillWord);
                if (planeCols == width)
                {
                    // No padding columns: the rows are back to back in the input and in the plane, so the
                    // whole plane interleaves in one pass (narrow rows would otherwise never fill a vector).
                    int c0 = 4 * q;
                    Interleave(Plane(x, c0, plane, channels), Plane(x, c0 + 1, plane, channels), Plane(x, c0 + 2, plane, channels), Plane(x, c0 + 3, plane, channels),
                        fill, flip, words.Slice(padTop * planeCols, plane));
                    continue;
                }
                for (int h = 0; h < height; h++)
                {
                    var row = words.Slice((padTop + h) * planeCols, planeCols);
                    row.Slice(0, padLeft).Fill(fillWord);
                    row.Slice(padLeft + width).Fill(fillWord);
                    var target = row.Slice(padLeft, width);
                    int c = 4 * q;
                    Interleave(Row(x, c, h, width, plane, channels), Row(x, c + 1, h, width, plane, channels), Row(x, c + 2, h, width, plane, channels), Row(x, c + 3, h, width, plane, channels), fill, flip, target);
                }
            }
        }

        /// <summary>The whole plane of channel c, or empty past the last channel.</summary>
        private static ReadOnlySpan<byte> Plane(ReadOnlySpan<byte> x, int c, int plane, int channels) =>
            c < channels ? x.Slice(c * plane, plane) : ReadOnlySpan<byte>.Empty;

        /// <summary>Row h of channel c, or empty past the last channel (then the fill byte stands for it).</summary>
        private static ReadOnlySpan<byte> Row(ReadOnlySpan<byte> x, int c, int h, int width, int plane, int channels) =>
            c < channels ? x.Slice(c * plane + h * width, width) : ReadOnlySpan<byte>.Empty;

        /// <summary>Four byte rows (flipped; an empty row is all <paramref name="fill"/>) to words, byte k of each word from row k.</summary>
        private static void Interleave(ReadOnlySpan<byte> r0, ReadOnlySpan<byte> r1, ReadOnlySpan<byte> r2, ReadOnlySpan<byte> r3, byte fill, byte flip, Span<int> target)
        {
            int i = 0, n = target.Length;
            if (Vector128.IsHardwareAccelerated && n >= 16)
            {
                var f = Vector128.Create(flip);
                var filled = Vector128.Create(fill);
                // A ragged end is one more step, overlapping the step before it.
                for (int next = 0; i < n; i = next)
                {
                    next = i + 16;
                    if (next > n)
                    {
                        i = n - 16;
                        next = n;
                    }
                    var (a0, a1, a2, a3) = Widen(r0.IsEmpty ? filled : Vector128.Create(r0.Slice(i, 16)) ^ f);
                    var (b0, b1, b2, b3) = Widen(r1.IsEmpty ? filled : Vector128.Create(r1.Slice(i, 16)) ^ f);
                    var (c0, c1, c2, c3) = Widen(r2.IsEmpty ? filled : Vector128.Create(r2.Slice(i, 16)) ^ f);
                    var (d0, d1, d2, d3) = Widen(r3.IsEmpty ? filled : Vector128.Create(r3.Slice(i, 16)) ^ f);
                    var t = target.Slice(i, 16);
                    (a0 | b0 << 8 | c0 << 16 | d0 << 24).AsInt32().CopyTo(t);
                    (a1 | b1 << 8 | c1 << 16 | d1 << 24).AsInt32().CopyTo(t.Slice(4));
                    (a2 | b2 << 8 | c2 << 16 | d2 << 24).AsInt32().CopyTo(t.Slice(8));
                    (a3 | b3 << 8 | c3 << 16 | d3 << 24).AsInt32().CopyTo(t.Slice(12));
                }
            }
            for (; i < n; i++)
            {
                int b0 = r0.IsEmpty ? fill : r0[i] ^ flip, b1 = r1.IsEmpty ? fill : r1[i] ^ flip;
                int b2 = r2.IsEmpty ? fill : r2[i] ^ flip, b3 = r3.IsEmpty ? fill : r3[i] ^ flip;
                target[i] = b0 | b1 << 8 | b2 << 16 | b3 << 24;
            }
        }

        private static (Vector128<uint>, Vector128<uint>, Vector128<uint>, Vector128<uint>) Widen(Vector128<byte> bytes)
        {
            var (lo, hi) = Vector128.Widen(bytes);
            var (a, b) = Vector128.Widen(lo);
            var (c, d) = Vector128.Widen(hi);
            return (a, b, c, d);
        }
    }
}
