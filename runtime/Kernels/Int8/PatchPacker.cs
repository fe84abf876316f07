using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
            if (height == 0 || width == 0)
                return;
            // Whole quads four channels at a time (TransposeQuad); the channels of a last part quad byte by byte.
            int pixelBytes = 4 * quads, hw = height * width, c = 0;
            for (; c + 4 <= channels; c += 4)
                TransposeQuad(x.Slice(c * hw, 4 * hw), height, width, ref words[(padTop * planeWidth + padLeft) * quads + c / 4], planeWidth * quads, quads, flip);
            for (; c < channels; c++)
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

        /// <summary>
        /// Four channels' planes (<paramref name="x"/>: four runs of <c>height · width</c> bytes) into
        /// their word of each pixel, <paramref name="stride"/> words apart (one pixel's quads) and
        /// <paramref name="rowWords"/> apart a row: 16 pixels a step, each channel's bytes widened and
        /// shifted into its byte of the words, with a scalar tail per row.
        /// </summary>
        private static void TransposeQuad(ReadOnlySpan<byte> x, int height, int width, ref int first, int rowWords, int stride, byte flip)
        {
            int hw = height * width;
            var f = Vector128.Create(flip);
            ref byte c0 = ref MemoryMarshal.GetReference(x);
            for (int h = 0; h < height; h++)
            {
                ref int row = ref Unsafe.Add(ref first, h * rowWords);
                int w = 0;
                if (Vector128.IsHardwareAccelerated)
                    for (; w + 16 <= width; w += 16)
                    {
                        int at = h * width + w;
                        var a = Vector128.LoadUnsafe(ref c0, (nuint)at) ^ f;
                        var b = Vector128.LoadUnsafe(ref c0, (nuint)(at + hw)) ^ f;
                        var c = Vector128.LoadUnsafe(ref c0, (nuint)(at + 2 * hw)) ^ f;
                        var d = Vector128.LoadUnsafe(ref c0, (nuint)(at + 3 * hw)) ^ f;
                        // (a, b) and (c, d) as 16-bit pairs, then the pairs as 32-bit words: byte k of a word is channel k.
                        var abLow = Vector128.WidenLower(a) | Vector128.ShiftLeft(Vector128.WidenLower(b), 8);
                        var abHigh = Vector128.WidenUpper(a) | Vector128.ShiftLeft(Vector128.WidenUpper(b), 8);
                        var cdLow = Vector128.WidenLower(c) | Vector128.ShiftLeft(Vector128.WidenLower(d), 8);
                        var cdHigh = Vector128.WidenUpper(c) | Vector128.ShiftLeft(Vector128.WidenUpper(d), 8);
                        Store(Vector128.WidenLower(abLow) | Vector128.ShiftLeft(Vector128.WidenLower(cdLow), 16), ref Unsafe.Add(ref row, w * stride), stride);
                        Store(Vector128.WidenUpper(abLow) | Vector128.ShiftLeft(Vector128.WidenUpper(cdLow), 16), ref Unsafe.Add(ref row, (w + 4) * stride), stride);
                        Store(Vector128.WidenLower(abHigh) | Vector128.ShiftLeft(Vector128.WidenLower(cdHigh), 16), ref Unsafe.Add(ref row, (w + 8) * stride), stride);
                        Store(Vector128.WidenUpper(abHigh) | Vector128.ShiftLeft(Vector128.WidenUpper(cdHigh), 16), ref Unsafe.Add(ref row, (w + 12) * stride), stride);
                    }
                for (; w < width; w++)
                {
                    int at = h * width + w;
                    Unsafe.Add(ref row, w * stride) = (Unsafe.Add(ref c0, at) ^ flip) | (Unsafe.Add(ref c0, at + hw) ^ flip) << 8
                        | (Unsafe.Add(ref c0, at + 2 * hw) ^ flip) << 16 | (Unsafe.Add(ref c0, at + 3 * hw) ^ flip) << 24;
                }
            }
        }

        /// <summary>Four pixels' words, <paramref name="stride"/> words apart (together where it is 1).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(Vector128<uint> pixels, ref int at, int stride)
        {
            if (stride == 1)
            {
                pixels.AsInt32().StoreUnsafe(ref at);
                return;
            }
            at = (int)pixels.GetElement(0);
            Unsafe.Add(ref at, stride) = (int)pixels.GetElement(1);
            Unsafe.Add(ref at, 2 * stride) = (int)pixels.GetElement(2);
            Unsafe.Add(ref at, 3 * stride) = (int)pixels.GetElement(3);
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
