using System;

namespace Bitsmith.Runtime.Kernels.Elementwise
{
    /// <summary>
    /// 2-D max pooling of float planes with the reference's rules: the first tap inside the input
    /// that is not NaN starts the maximum, a later tap replaces it only when greater; a window with
    /// none gives <see cref="float.MinValue"/>. Windows that lie inside the input take a loop
    /// without bounds tests.
    /// </summary>
    public static class MaxPooling
    {
        public static void Pool2d(ReadOnlySpan<float> x, int planes, int height, int width, int kernelH, int kernelW,
            int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft, int outHeight, int outWidth, Span<float> y)
        {
            if (x.Length < planes * height * width || y.Length < planes * outHeight * outWidth)
                throw new ArgumentException("the planes do not fit the spans");
            for (int p = 0; p < planes; p++)
            {
                var plane = x.Slice(p * height * width, height * width);
                var output = y.Slice(p * outHeight * outWidth, outHeight * outWidth);
                for (int oy = 0; oy < outHeight; oy++)
                {
                    int y0 = oy * strideH - padTop;
                    bool rowsInside = y0 >= 0 && y0 + (kernelH - 1) * dilationH < height;
                    for (int ox = 0; ox < outWidth; ox++)
                    {
                        int x0 = ox * strideW - padLeft;
                        float max = float.NaN;
                        if (rowsInside && x0 >= 0 && x0 + (kernelW - 1) * dilationW < width)
                        {
                            for (int ky = 0; ky < kernelH; ky++)
                            {
                                var row = plane.Slice((y0 + ky * dilationH) * width + x0);
                                for (int kx = 0; kx < kernelW; kx++)
                                {
                                    float v = row[kx * dilationW];
                                    if (float.IsNaN(max) ? !float.IsNaN(v) : v > max)
                                        max = v;
                                }
                            }
                        }
                        else
                        {
                            for (int ky = 0; ky < kernelH; ky++)
                            {
                                int iy = y0 + ky * dilationH;
                                if ((uint)iy >= (uint)height)
                                    continue;
                                for (int kx = 0; kx < kernelW; kx++)
                                {
                                    int ix = x0 + kx * dilationW;
                                    if ((uint)ix >= (uint)width)
                                        continue;
                                    float v = plane[iy * width + ix];
                                    if (float.IsNaN(max) ? !float.IsNaN(v) : v > max)
                                        max = v;
                                }
                            }
                        }
                        output[oy * outWidth + ox] = float.IsNaN(max) ? float.MinValue : max;
                    }
                }
            }
        }
    }
}
