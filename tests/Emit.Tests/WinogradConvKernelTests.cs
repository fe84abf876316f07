using System;
using Bitsmith.Runtime.Kernels.Int8;
using CsCheck;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// The integer Winograd F(2x2, 3x3) conv against a naive 3×3 convolution of the same codes,
    /// written here: activation widths 1 to 5 bits, weights anywhere in [-8, 8] (at both ends too),
    /// channel counts that do not fill a 16-byte row or a block of 16 filters, odd and even outputs
    /// (partial tiles), padding 0 to 2 on each side with the pad code at either end of the codes,
    /// flipped and offset inputs. Exact, on both dot forms. <c>SimdLadderTests</c> runs it again
    /// for the narrower forms.
    /// </summary>
    public class WinogradConvKernelTests
    {
        private sealed record Case(int Channels, int Filters, int Height, int Width, int[] Pads, int ActivationBits, bool Flip, bool Exact, int Seed);

        private static readonly Gen<Case> Cases =
            from channels in Gen.OneOf(Gen.Int[1, 20], Gen.Int[30, 70])
            from filters in Gen.OneOf(Gen.Int[1, 20], Gen.Int[30, 70])
            from h in Gen.Int[1, 12]
            from w in Gen.Int[1, 15]
            from pads in Gen.Int[0, 2].Array[4]
            from bits in Gen.Int[1, 5]
            from flip in Gen.Bool
            from exact in Gen.Bool
            from seed in Gen.Int[0, 1 << 30]
            select new Case(channels, filters, h, w, pads, bits, flip, exact, seed);

        [Fact]
        public void TransformedProductsMatchTheNaiveConvolution() => Cases.Sample(Check, iter: 200);

        /// <summary>Rows of G' = 2G.</summary>
        private static readonly int[,] G2 = { { 2, 0, 0 }, { 1, 1, 1 }, { 1, -1, 1 }, { 0, 0, 2 } };

        private static void Check(Case s)
        {
            var random = new Random(s.Seed);
            int padB = s.Pads[2], padR = s.Pads[3];
            while (s.Height + s.Pads[0] + padB < 3)
                padB++;
            while (s.Width + s.Pads[1] + padR < 3)
                padR++;
            int outH = s.Height + s.Pads[0] + padB - 2, outW = s.Width + s.Pads[1] + padR - 2;
            int maxA = (1 << s.ActivationBits) - 1, lift = 2 * maxA;
            byte flip = s.Flip ? (byte)0x80 : (byte)0;
            int codeOffset = random.Next(0, 256 - maxA), padCode = random.Next(3) switch { 0 => 0, 1 => maxA, _ => random.Next(maxA + 1) };
            int mode = random.Next(4);
            var codes = new int[s.Channels * s.Height * s.Width];
            var input = new byte[codes.Length];
            for (int i = 0; i < codes.Length; i++)
            {
                codes[i] = mode switch { 0 => 0, 1 => maxA, _ => random.Next(maxA + 1) };
                input[i] = (byte)((codes[i] + codeOffset) ^ flip);
            }
            var weights = new int[s.Filters, s.Channels, 3, 3];
            for (int f = 0; f < s.Filters; f++)
                for (int c = 0; c < s.Channels; c++)
                    for (int t = 0; t < 9; t++)
                        weights[f, c, t / 3, t % 3] = mode switch { 1 => -8, 2 => random.Next(2) * 16 - 8, _ => random.Next(-8, 9) };

            int quads = WinogradConv.Quads(s.Channels), blocks = (s.Filters + 15) / 16, lanes = 16 * blocks;
            int tilesH = WinogradConv.Tiles(outH), tilesW = WinogradConv.Tiles(outW);
            var packed = new sbyte[blocks * WinogradConv.Elements * quads * 64];
            var corrections = new int[4 * lanes];
            for (int f = 0; f < s.Filters; f++)
            {
                var k = new long[16];
                for (int c = 0; c < s.Channels; c++)
                    for (int e = 0; e < 16; e++)
                    {
                        int u = 0;
                        for (int a = 0; a < 3; a++)
                            for (int b = 0; b < 3; b++)
                                u += G2[e / 4, a] * weights[f, c, a, b] * G2[e % 4, b];
                        packed[((f / 16 * 16 + e) * quads + c / 4) * 64 + f % 16 * 4 + c % 4] = checked((sbyte)u);
                        k[e] += lift * u;
                    }
                // Aᵀ K A, pixel (dy, dx) of the tile.
                for (int d = 0; d < 4; d++)
                {
                    long sum = 0;
                    for (int e = 0; e < 16; e++)
                        sum += At(d / 2, e / 4) * At(d % 2, e % 4) * k[e];
                    corrections[d * lanes + f] = checked((int)sum);
                }
            }

            var plane = new byte[WinogradConv.PlaneBytes(tilesH, tilesW, quads)];
            var transformed = new byte[WinogradConv.TransformedBytes(tilesH * tilesW, quads)];
            WinogradConv.Transform(input, s.Channels, s.Height, s.Width, s.Pads[0], s.Pads[1], tilesH, tilesW, quads, flip, codeOffset, padCode, lift, plane, transformed);
            var sums = new int[outH * outW * lanes];
            var products = new int[WinogradConv.ProductInts];
            if (s.Exact)
                WinogradConv.Accumulate<WordPairs>(transformed, tilesH, tilesW, quads, packed, blocks, corrections, outH, outW, products, sums);
            else
                WinogradConv.Accumulate<BytePairs>(transformed, tilesH, tilesW, quads, packed, blocks, corrections, outH, outW, products, sums);

            for (int p = 0; p < outH * outW; p++)
                for (int f = 0; f < s.Filters; f++)
                {
                    long expected = 0;
                    for (int c = 0; c < s.Channels; c++)
                        for (int t = 0; t < 9; t++)
                        {
                            int y = p / outW + t / 3 - s.Pads[0], x = p % outW + t % 3 - s.Pads[1];
                            bool inside = y >= 0 && y < s.Height && x >= 0 && x < s.Width;
                            expected += (long)(inside ? codes[(c * s.Height + y) * s.Width + x] : padCode) * weights[f, c, t / 3, t % 3];
                        }
                    int actual = sums[p * lanes + f];
                    Assert.True(expected == actual, $"{Dot4.Path}, {s} pixel {p} filter {f}: {actual}, expected {expected}");
                }
        }

        private static int At(int row, int column) => (row, column) switch { (0, 3) => 0, (0, _) => 1, (1, 0) => 0, (1, 1) => 1, _ => -1 };
    }
}
