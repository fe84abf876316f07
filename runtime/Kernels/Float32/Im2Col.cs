using System;

namespace Bitsmith.Runtime.Kernels.Float32
{
    /// <summary>
    /// im2col for the f32 convolution: a block of output rows of one group becomes the B operand
    /// of <see cref="Sgemm"/>, so that (output channels × pixels) = weights · columns. Row k of the
    /// block is the kernel tap k = (channel, ky, kx), in the weights' order, and holds the input
    /// value that tap reads for each output pixel of the block, 0 where the window leaves the
    /// input. Rows are <c>ldb</c> apart; the values past the block's pixels up to the next whole
    /// panel are zeroed, since the GEMM reads whole panels. A stride-1 row is one copy between
    /// two runs of zeros; other strides gather.
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
                        for (int r = 0; r < rows; r++)
                        {
                            var dst = row.Slice(r * outWidth, outWidth);
                            int iy = (firstRow + r) * strideH - padTop + ky * dilationH;
                            if ((uint)iy >= (uint)height)
                            {
                                dst.Clear();
                                continue;
                            }
                            var src = x.Slice((c * height + iy) * width, width);
                            dst.Slice(0, first).Clear();
                            if (strideW != 1)
                                for (int ox = first; ox < end; ox++)
                                    dst[ox] = src[ox * strideW + offset];
                            else if (end > first)
                                src.Slice(first + offset, end - first).CopyTo(dst.Slice(first));
                            dst.Slice(end).Clear();
                        }
                        row.Slice(pixels).Clear();
                    }
        }
    }
}
