using System;
using System.Runtime.InteropServices;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// Packs a convolution's u8 (or s8) NCHW input for <see cref="GemmKernel"/>, one row per output
    /// pixel (im2col): first the image is transposed once into a padded channels-last plane of
    /// 32-bit words of four channels (<see cref="Transpose"/>; padding and missing channels hold
    /// <c>fill</c>, the zero point, which adds nothing), then each pixel's row is the words of its
    /// kernel taps, one contiguous copy per tap (<see cref="Gather"/>). Row layout: tap-major,
    /// <c>[tap][quad]</c>; the compiler packs the weights in the same order.
    /// </summary>
    public static class PatchPacker
    {
        /// <summary><c>plane[((h + padTop) · planeWidth + w + padLeft) · quads + c / 4]</c>, byte <c>c % 4</c>, holds <c>x[c, h, w] ^ flip</c>.</summary>
        public static void Transpose(ReadOnlySpan<byte> x, int channels, int height, int width, int padTop, int padLeft, int planeHeight, int planeWidth,
            byte fill, byte flip, Span<int> plane)
        {
            int quads = (channels + 3) / 4;
            if (x.Length < channels * height * width || padTop + height > planeHeight || padLeft + width > planeWidth || plane.Length < planeHeight * planeWidth * quads)
                throw new ArgumentException("the input or the plane do not fit the shapes");
            var words = plane.Slice(0, planeHeight * planeWidth * quads);
            words.Fill(fill * 0x01010101);
            var bytes = MemoryMarshal.AsBytes(words);
            int pixelBytes = 4 * quads;
            for (int c = 0; c < channels; c++)
            {
                var source = x.Slice(c * height * width, height * width);
                for (int h = 0, i = 0; h < height; h++)
                {
                    int target = ((h + padTop) * planeWidth + padLeft) * pixelBytes + c;
                    for (int w = 0; w < width; w++, i++, target += pixelBytes)
                        bytes[target] = (byte)(source[i] ^ flip);
                }
            }
        }

        /// <summary>Row <c>p</c> of <paramref name="rows"/>: for each tap <c>t</c>, the words of plane pixel <c>(oy · strideH) · planeWidth + ox · strideW + taps[t]</c>.</summary>
        public static void Gather(ReadOnlySpan<int> plane, int quads, int planeWidth, ReadOnlySpan<int> taps, int outHeight, int outWidth, int strideH, int strideW, Span<int> rows)
        {
            int rowWords = taps.Length * quads;
            if (rows.Length < outHeight * outWidth * rowWords)
                throw new ArgumentException("the rows do not fit", nameof(rows));
            for (int oy = 0, p = 0; oy < outHeight; oy++)
                for (int ox = 0; ox < outWidth; ox++, p++)
                {
                    int origin = oy * strideH * planeWidth + ox * strideW;
                    var row = rows.Slice(p * rowWords, rowWords);
                    for (int t = 0; t < taps.Length; t++)
                        plane.Slice((origin + taps[t]) * quads, quads).CopyTo(row.Slice(t * quads, quads));
                }
        }
    }
}
