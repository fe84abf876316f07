using System;
using System.Runtime.InteropServices;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// Packs a 1x1 convolution's u8 (or s8) NCHW input for <see cref="GemmKernel"/>: one row per
    /// output pixel, holding that pixel's channels as 32-bit words of four (s8 flipped to u8 by
    /// <c>^ 0x80</c>; the missing channels of the last word hold <paramref name="fill"/>, the
    /// zero point). Pixels are read at a stride, so a strided 1x1 convolution packs the same way.
    /// </summary>
    public static class PixelPacker
    {
        public static void Pack(ReadOnlySpan<byte> x, int channels, int height, int width, int outHeight, int outWidth, int strideH, int strideW,
            byte fill, byte flip, Span<int> rows)
        {
            int quads = (channels + 3) / 4, plane = height * width;
            if (x.Length < channels * plane || rows.Length < outHeight * outWidth * quads
                || (outHeight - 1) * strideH >= height || (outWidth - 1) * strideW >= width)
                throw new ArgumentException("the input or the packed rows do not fit the shapes");
            var bytes = MemoryMarshal.AsBytes(rows.Slice(0, outHeight * outWidth * quads));
            int rowBytes = 4 * quads;
            for (int c = 0; c < channels; c++)
            {
                var source = x.Slice(c * plane, plane);
                int target = c;
                for (int oy = 0; oy < outHeight; oy++)
                {
                    var line = source.Slice(oy * strideH * width);
                    for (int ox = 0; ox < outWidth; ox++, target += rowBytes)
                        bytes[target] = (byte)(line[ox * strideW] ^ flip);
                }
            }
            for (int c = channels; c < 4 * quads; c++)
                for (int target = c; target < bytes.Length; target += rowBytes)
                    bytes[target] = fill;
        }
    }
}
