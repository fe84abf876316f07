using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Float32
{
    /// <summary>
    /// im2col for the f32 convolution: a block of output rows of one group becomes the B operand
    /// of <see cref="Sgemm"/>, so that (output channels × pixels) = weights · columns. Row k of the
    /// block is the kernel tap k = (channel, ky, kx), in the weights' order, and holds the input
    /// value that tap reads for each output pixel of the block, 0 where the window leaves the
    /// input. Rows are <c>ldb</c> apart; the values past the block's pixels up to the next whole
    /// panel are zeroed, since the GEMM reads whole panels. A stride-1 row is one copy between
    /// two runs of zeros; other strides gather. The bounds are checked once, up front.
    /// </summary>
    public static class Im2Col
    {
        public static void Pack(ReadOnlySpan<float> x, int channels, int height, int width,
            int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft,
            int outWidth, int firstRow, int rows, Span<float> columns, int ldb)
        {
            int pixels = rows * outWidth;
            int padded = (pixels + Sgemm.PanelWidth - 1) / Sgemm.PanelWidth * Sgemm.PanelWidth;
            long taps = (long)channels * kernelH * kernelW;
            if (x.Length < (long)channels * height * width)
                throw new ArgumentException($"the input has {x.Length} values, fewer than {channels} planes of {height}x{width}", nameof(x));
            if (ldb < padded || taps > 0 && (taps - 1) * ldb + padded > columns.Length)
                throw new ArgumentException($"the columns hold {columns.Length} values, not {taps} rows of {padded} every {ldb}", nameof(columns));

            int k = 0;
            for (int c = 0; c < channels; c++)
                for (int ky = 0; ky < kernelH; ky++)
                    for (int kx = 0; kx < kernelW; kx++)
                    {
                        var row = columns.Slice(k++ * ldb, padded);
                        // Output columns whose tap lies inside the input row: 0 <= ox · strideW + offset < width.
                        int offset = kx * dilationW - padLeft;
                        int first = offset >= 0 ? 0 : Math.Min(outWidth, (strideW - 1 - offset) / strideW);
                        int end = offset >= width ? 0 : Math.Min(outWidth, (width - 1 - offset) / strideW + 1);
                        end = Math.Max(first, end);
                        ref float dst = ref MemoryMarshal.GetReference(row);
                        for (int r = 0; r < rows; r++, dst = ref Unsafe.Add(ref dst, outWidth))
                        {
                            int iy = (firstRow + r) * strideH - padTop + ky * dilationH;
                            if ((uint)iy >= (uint)height || first == end)
                            {
                                MemoryMarshal.CreateSpan(ref dst, outWidth).Clear();
                                continue;
                            }
                            ref float src = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), (c * height + iy) * width + offset);
                            for (int ox = 0; ox < first; ox++)
                                Unsafe.Add(ref dst, ox) = 0;
                            if (strideW == 1)
                                Copy(ref Unsafe.Add(ref src, first), ref Unsafe.Add(ref dst, first), end - first);
                            else
                                for (int ox = first; ox < end; ox++)
                                    Unsafe.Add(ref dst, ox) = Unsafe.Add(ref src, ox * strideW);
                            for (int ox = end; ox < outWidth; ox++)
                                Unsafe.Add(ref dst, ox) = 0;
                        }
                        row.Slice(pixels).Clear();
                    }
        }

        /// <summary>
        /// A run of an input row, widest vectors first, the last vector overlapping the one before
        /// (runs are a row of an output block, tens of floats: a general copy's dispatch would cost more than the copy).
        /// </summary>
        private static void Copy(ref float src, ref float dst, int count)
        {
            if (Vector512.IsHardwareAccelerated && count >= Vector512<float>.Count)
            {
                int last = count - Vector512<float>.Count;
                for (int i = 0; i < last; i += Vector512<float>.Count)
                    Vector512.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
                Vector512.LoadUnsafe(ref src, (nuint)last).StoreUnsafe(ref dst, (nuint)last);
            }
            else if (Vector256.IsHardwareAccelerated && count >= Vector256<float>.Count)
            {
                int last = count - Vector256<float>.Count;
                for (int i = 0; i < last; i += Vector256<float>.Count)
                    Vector256.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
                Vector256.LoadUnsafe(ref src, (nuint)last).StoreUnsafe(ref dst, (nuint)last);
            }
            else if (Vector128.IsHardwareAccelerated && count >= Vector128<float>.Count)
            {
                int last = count - Vector128<float>.Count;
                for (int i = 0; i < last; i += Vector128<float>.Count)
                    Vector128.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
                Vector128.LoadUnsafe(ref src, (nuint)last).StoreUnsafe(ref dst, (nuint)last);
            }
            else
            {
                for (int i = 0; i < count; i++)
                    Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i);
            }
        }
    }
}
