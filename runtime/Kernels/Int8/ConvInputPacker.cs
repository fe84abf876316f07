using System;
using System.Runtime.InteropServices;

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
            dst.Slice(0, quads * phases * planeWords).Fill(fill * 0x01010101);
            var bytes = MemoryMarshal.AsBytes(dst);
            for (int c = 0; c < channels; c++)
            {
                int quadBase = c / 4 * phases * planeWords, lane = c % 4;
                for (int h = 0; h < height; h++)
                {
                    int hp = h + padTop, py = hp % strideH, hv = hp / strideH;
                    if (hv >= planeRows)
                        continue;
                    var row = x.Slice((c * height + h) * width, width);
                    for (int w = 0; w < width; w++)
                    {
                        int wp = w + padLeft, px = wp % strideW, wv = wp / strideW;
                        if (wv >= planeCols)
                            continue;
                        int word = quadBase + (py * strideW + px) * planeWords + hv * planeCols + wv;
                        bytes[word * 4 + lane] = (byte)(row[w] ^ flip);
                    }
                }
            }
        }
    }
}
