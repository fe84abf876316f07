using System;
using System.Runtime.CompilerServices;

namespace Bitsmith.Runtime.Kernels.Elementwise
{
    /// <summary>
    /// 2-D max pooling of float planes with the interpreter's rules, which are ONNX's reference
    /// implementation's (the compiler's <c>MaxPoolNaN</c>): a window starts at its first tap inside
    /// the input, whatever it holds, and a later tap replaces the maximum when greater, or, where
    /// every stride and dilation is 1 (there the reference drops NaN), when the maximum is NaN and
    /// the tap is not. A window with no tap inside the input gives 0. Windows that lie inside the
    /// input take a loop without bounds tests.
    /// </summary>
    public static class MaxPooling
    {
        public static void Pool2d(ReadOnlySpan<float> x, int planes, int height, int width, int kernelH, int kernelW,
            int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft, int outHeight, int outWidth, Span<float> y)
        {
            if (x.Length < planes * height * width || y.Length < planes * outHeight * outWidth)
                throw new ArgumentException("the planes do not fit the spans");
            bool dropsNaN = strideH == 1 && strideW == 1 && dilationH == 1 && dilationW == 1;
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
                        float max = 0f;
                        if (rowsInside && x0 >= 0 && x0 + (kernelW - 1) * dilationW < width)
                        {
                            // The first tap starts the maximum; comparing it with itself again changes nothing.
                            max = plane[y0 * width + x0];
                            for (int ky = 0; ky < kernelH; ky++)
                            {
                                var row = plane.Slice((y0 + ky * dilationH) * width + x0);
                                for (int kx = 0; kx < kernelW; kx++)
                                {
                                    float v = row[kx * dilationW];
                                    if (Replaces(v, max, dropsNaN))
                                        max = v;
                                }
                            }
                        }
                        else
                        {
                            bool started = false;
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
                                    if (!started || Replaces(v, max, dropsNaN))
                                        max = v;
                                    started = true;
                                }
                            }
                        }
                        output[oy * outWidth + ox] = max;
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool Replaces(float v, float max, bool dropsNaN) =>
            v > max || (dropsNaN && float.IsNaN(max) && !float.IsNaN(v));
    }
}
