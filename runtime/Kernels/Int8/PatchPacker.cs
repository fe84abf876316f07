using System;
using System.Runtime.CompilerServices;
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
    /// Where channels are few (1 to 3) a word of four channels would be mostly fill, so the
    /// compact form keeps a plane of bytes instead (<see cref="TransposeBytes"/>) and copies each
    /// kernel row's <c>kernelWidth · channels</c> bytes at once, rounded up to whole words
    /// (<see cref="GatherKernelRows"/>; the weights of the rounding bytes are 0).
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
    
        /// <summary>
        /// <c>plane[((h + padTop) · planeWidth + w + padLeft) · channels + c]</c> holds <c>x[c, h, w] ^ flip</c>;
        /// padding, and every byte of <paramref name="plane"/> past the pixels (the slack the
        /// rounded row copies read), holds <paramref name="fill"/>.
        /// </summary>
        public static void TransposeBytes(ReadOnlySpan<byte> x, int channels, int height, int width, int padTop, int padLeft, int planeHeight, int planeWidth,
            byte fill, byte flip, Span<byte> plane)
        {
            if (x.Length < channels * height * width || padTop + height > planeHeight || padLeft + width > planeWidth || plane.Length < planeHeight * planeWidth * channels)
                throw new ArgumentException("the input or the plane do not fit the shapes");
            plane.Fill(fill);
            for (int c = 0; c < channels; c++)
            {
                var source = x.Slice(c * height * width, height * width);
                for (int h = 0, i = 0; h < height; h++)
                {
                    int target = ((h + padTop) * planeWidth + padLeft) * channels + c;
                    for (int w = 0; w < width; w++, i++, target += channels)
                        plane[target] = (byte)(source[i] ^ flip);
                }
            }
        }

        /// <summary>
        /// Row <c>p</c> of <paramref name="rows"/>, for output pixel <c>(oy, ox)</c>: for each kernel row
        /// <c>ky</c>, <paramref name="kernelRowWords"/> words from byte <c>((oy · strideH + ky · dilationH) · planeWidth + ox · strideW) · channels</c>
        /// of the byte plane (the kernel row's taps, channels innermost, then what follows up to a whole word).
        /// </summary>
        public static void GatherKernelRows(ReadOnlySpan<byte> plane, int channels, int planeWidth, int kernelHeight, int dilationH, int kernelRowWords,
            int outHeight, int outWidth, int strideH, int strideW, Span<int> rows)
        {
            int rowWords = kernelHeight * kernelRowWords, rowBytes = 4 * kernelRowWords;
            if (rows.Length < outHeight * outWidth * rowWords)
                throw new ArgumentException("the rows do not fit", nameof(rows));
            int last = ((outHeight - 1) * strideH + (kernelHeight - 1) * dilationH) * planeWidth * channels + (outWidth - 1) * strideW * channels + rowBytes;
            if (outHeight > 0 && outWidth > 0 && last > plane.Length)
                throw new ArgumentException("the plane is shorter than the last row reads", nameof(plane));
            // Bounds checked above; the copies are a few words each, so they go word by word.
            ref byte source = ref MemoryMarshal.GetReference(plane);
            ref int target = ref MemoryMarshal.GetReference(rows);
            for (int oy = 0, p = 0; oy < outHeight; oy++)
                for (int ox = 0; ox < outWidth; ox++, p++)
                    for (int ky = 0; ky < kernelHeight; ky++)
                    {
                        ref byte from = ref Unsafe.Add(ref source, ((oy * strideH + ky * dilationH) * planeWidth + ox * strideW) * channels);
                        ref int to = ref Unsafe.Add(ref target, p * rowWords + ky * kernelRowWords);
                        for (int i = 0; i < kernelRowWords; i++)
                            Unsafe.Add(ref to, i) = Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref from, 4 * i));
                    }
        }
    }
}
