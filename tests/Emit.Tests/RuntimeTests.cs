using System;
using System.Linq;
using Bitsmith.Runtime;
using Bitsmith.Runtime.Kernels;
using Bitsmith.Runtime.Kernels.Elementwise;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>The runtime library's pieces on their own.</summary>
    public class RuntimeTests
    {
        /// <summary>Lengths below, at and above each vector width (4, 8, 16 floats), so every tail path runs.</summary>
        public static TheoryData<int> Lengths => new TheoryData<int>(new[] { 0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 1027 });

        [Theory]
        [MemberData(nameof(Lengths))]
        public void DotProductSumsEveryElementOnce(int n)
        {
            var random = new Random(n);
            var a = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var b = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            double expected = 0, magnitude = 0;
            for (int i = 0; i < n; i++)
            {
                expected += (double)a[i] * b[i];
                magnitude += Math.Abs((double)a[i] * b[i]);
            }
            Assert.True(Math.Abs(DotProduct.Sum(a, b) - expected) <= 1e-14 * magnitude, $"n = {n}");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(64)]
        [InlineData(1000)]
        public void ScratchArenasStartOnA64ByteBoundary(int bytes)
        {
            // Several arenas, so that some arrays start off the boundary: each hands out its bytes from the boundary on.
            for (int i = 0; i < 8; i++)
            {
                var arena = ScratchArena.Allocate(bytes);
                Assert.True(ScratchArena.Holds(arena, bytes));
                Assert.False(ScratchArena.Holds(arena, bytes + 64));
                Assert.False(ScratchArena.Holds(null, 1));
                var span = ScratchArena.Aligned(arena, bytes);
                Assert.Equal(bytes, span.Length);
                int skip = (int)System.Runtime.CompilerServices.Unsafe.ByteOffset(ref arena[0], ref span[0]);
                Assert.InRange(skip, 0, 63);
                Assert.Equal(0, (long)System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(arena, skip) % 64);
                Assert.All(span.ToArray(), b => Assert.Equal(0, b));
            }
        }

        /// <summary>
        /// The 3-wide, stride-2 windows (ResNet's 3x3 stride-2 MaxPool) against a naive maximum, u8 and
        /// s8, widths that leave the vector steps short and long, pads on either side, values at both ends.
        /// </summary>
        [Theory]
        [InlineData(17, 0, 0)]
        [InlineData(18, 1, 1)]
        [InlineData(56, 1, 1)]
        [InlineData(57, 0, 1)]
        [InlineData(100, 1, 0)]
        public void MaxPoolThreeWideStrideTwoMatchesNaiveMaxima(int width, int padLeft, int padRight)
        {
            const int planes = 2, height = 7, kernel = 3, stride = 2;
            int outHeight = (height + 2 - kernel) / stride + 1, outWidth = (width + padLeft + padRight - kernel) / stride + 1;
            var random = new Random(width);
            var x = new byte[planes * height * width];
            random.NextBytes(x);
            x[0] = 0;
            x[1] = 255;
            x[2] = 128;
            var unsigned = new byte[planes * outHeight * outWidth];
            var signed = new sbyte[unsigned.Length];
            IntegerMaxPooling.Pool2d<byte>(x, planes, height, width, kernel, kernel, stride, stride, 1, 1, 1, padLeft, outHeight, outWidth, new byte[2 * width], unsigned);
            IntegerMaxPooling.Pool2d<sbyte>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(x), planes, height, width, kernel, kernel, stride, stride, 1, 1, 1, padLeft,
                outHeight, outWidth, new sbyte[2 * width], signed);
            for (int p = 0; p < planes; p++)
                for (int oy = 0; oy < outHeight; oy++)
                    for (int ox = 0; ox < outWidth; ox++)
                    {
                        int u = -1, v = -129;
                        for (int ky = 0; ky < kernel; ky++)
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                int iy = oy * stride - 1 + ky, ix = ox * stride - padLeft + kx;
                                if ((uint)iy < height && (uint)ix < width)
                                {
                                    byte b = x[(p * height + iy) * width + ix];
                                    u = Math.Max(u, b);
                                    v = Math.Max(v, (sbyte)b);
                                }
                            }
                        int at = (p * outHeight + oy) * outWidth + ox;
                        Assert.True(u == unsigned[at] && v == signed[at], $"plane {p}, output ({oy}, {ox}): {unsigned[at]} and {signed[at]}, expected {u} and {v}");
                    }
        }

        [Fact]
        public void DotProductIgnoresWhatLiesPastTheRows()
        {
            // A row inside a larger array: the masked tail must not read the neighbours into the sum.
            var a = Enumerable.Repeat(1f, 40).ToArray();
            var b = Enumerable.Repeat(float.NaN, 40).ToArray();
            for (int i = 5; i < 26; i++)
                b[i] = 2;
            Assert.Equal(42.0, DotProduct.Sum(a.AsSpan(5, 21), b.AsSpan(5, 21)));
        }

        [Fact]
        public void Int4ReadsTheLowNibbleFirst()
        {
            byte[] packed = { 0x8F, 0x07 };
            Assert.Equal(new sbyte[] { -1, -8, 7, 0 }, Enumerable.Range(0, 4).Select(i => Int4.Signed(packed, i)).ToArray());
            Assert.Equal(new byte[] { 15, 8, 7, 0 }, Enumerable.Range(0, 4).Select(i => Int4.Unsigned(packed, i)).ToArray());
        }

        [Fact]
        public void QuantizeRoundsHalfToEvenAndSaturates()
        {
            Assert.Equal(2, Quantize.ToUInt8(0.25f, 0.1f, 0));
            Assert.Equal(4, Quantize.ToUInt8(0.35f, 0.1f, 0));
            Assert.Equal(255, Quantize.ToUInt8(1000f, 0.1f, 0));
            Assert.Equal(-8, Quantize.ToInt4(-5f, 0.1f, 0));
            Assert.Equal(3, Quantize.ToInt8(float.NaN, 0.1f, 3));
        }
    }
}
