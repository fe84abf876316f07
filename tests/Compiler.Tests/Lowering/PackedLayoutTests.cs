using System;
using System.Linq;
using Bitsmith.Compiler.Lowering.Implementations;
using Xunit;

namespace Bitsmith.Compiler.Tests.Lowering
{
    /// <summary>Every packed layout unpacks to what it packed, and pads with zeros where its tiles overhang.</summary>
    public class PackedLayoutTests
    {
        [Theory]
        [InlineData(1, 1, 1)]
        [InlineData(3, 5, 9)]
        [InlineData(17, 4, 1)]
        [InlineData(8, 7, 25)]
        public void C4RowsRoundTrips(int rows, int channels, int taps)
        {
            var layout = new C4Rows(rows, channels, taps);
            var w = Random(rows * channels * taps, seed: rows * 31 + channels);
            var bytes = layout.Pack(w);
            Assert.Equal(rows * ((channels + 3) / 4) * taps * 4, bytes.Length);
            Assert.Equal(w, layout.Unpack(bytes));
            // Channels past the last of a quad are zero, so they add nothing to a sum.
            int padded = bytes.Length - rows * channels * taps;
            Assert.True(bytes.Count(b => b == 0) >= padded);
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(17, 5)]
        [InlineData(64, 32)]
        [InlineData(3, 33)]
        public void WinogradBlocks16RoundTripsAndPadsWithZeros(int rows, int channels)
        {
            var layout = new WinogradBlocks16(rows, channels);
            var u = Random(rows * channels * 16, seed: rows * 7 + channels);
            var bytes = layout.Pack(u);
            Assert.Equal((rows + 15) / 16 * 16 * ((channels + 15) / 16 * 4) * 16 * 4, bytes.Length);
            Assert.Equal(u, layout.Unpack(bytes));
            Assert.True(bytes.Count(b => b == 0) >= bytes.Length - u.Length);
        }

        [Theory]
        [InlineData(1, 1, 4)]
        [InlineData(10, 576, 4)]
        [InlineData(33, 7, 4)]
        [InlineData(16, 64, 2)]
        [InlineData(17, 12, 2)]
        [InlineData(3, 37, 2)]
        [InlineData(17, 100, 1)]
        [InlineData(5, 3, 1)]
        public void C4Blocks16NarrowRoundTripsAboveEachRowsMinimum(int rows, int depth, int bits)
        {
            var layout = new C4Blocks16Narrow(rows, depth, bits);
            var random = new Random(rows * 1000 + depth);
            // Each row spans at most 2^bits values from its own base, anywhere in s8.
            var bases = Enumerable.Range(0, rows).Select(_ => random.Next(-128, 129 - (1 << bits))).ToArray();
            var w = Enumerable.Range(0, rows * depth).Select(i => bases[i / depth] + random.Next(1 << bits)).ToArray();
            var minima = layout.Minima(w)!;
            var bytes = layout.Pack(w, minima);
            int group = 8 / bits;
            Assert.Equal((rows + 15) / 16 * (((depth + 3) / 4 + group - 1) / group) * 64, bytes.Length);
            Assert.Equal(w, layout.Unpack(bytes, minima));
        }

        [Fact]
        public void C4Blocks16NarrowPairsQuadsInTheLowAndHighNibbles()
        {
            // Row r, k = 4q + j: byte ((q / 2) · 16 + r) · 4 + j, the low nibble for even q, the high for odd.
            var layout = new C4Blocks16Narrow(16, 16, 4);
            var w = Enumerable.Range(0, 16 * 16).Select(i => (i * 7 + i / 16) % 16 - 8).ToArray();
            var minima = layout.Minima(w)!;
            Assert.All(minima, m => Assert.Equal(-8, m));
            var bytes = layout.Pack(w, minima);
            Assert.Equal(w[0 * 16 + 0] + 8 | (w[0 * 16 + 4] + 8) << 4, bytes[0]);
            Assert.Equal(w[1 * 16 + 3] + 8 | (w[1 * 16 + 7] + 8) << 4, bytes[7]);
            Assert.Equal(w[2 * 16 + 9] + 8 | (w[2 * 16 + 13] + 8) << 4, bytes[(16 + 2) * 4 + 1]);
        }

        [Fact]
        public void C4Blocks16NarrowPutsFourQuadsInAByteAtTwoBits()
        {
            // Row r, k = 4q + j: byte ((q / 4) · 16 + r) · 4 + j, bits 2·(q % 4) and up.
            var layout = new C4Blocks16Narrow(16, 20, 2);
            var w = Enumerable.Range(0, 16 * 20).Select(i => (i * 5 + i / 20) % 4 + 1).ToArray();
            var minima = layout.Minima(w)!;
            var bytes = layout.Pack(w, minima);
            int U(int r, int k) => w[r * 20 + k] - minima[r];
            Assert.Equal(U(3, 1) | U(3, 5) << 2 | U(3, 9) << 4 | U(3, 13) << 6, bytes[3 * 4 + 1]);
            Assert.Equal(U(5, 18), bytes[(16 + 5) * 4 + 2]);   // quad 4 opens the second group alone
        }

        [Fact]
        public void C4Blocks16NarrowRefusesARowSpanningMoreValuesThanItsBits()
        {
            var layout = new C4Blocks16Narrow(2, 4, 4);
            Assert.NotNull(layout.Minima(new[] { 0, 15, 3, 4, -100, -85, -90, -99 }));
            Assert.Null(layout.Minima(new[] { 0, 16, 3, 4, -100, -85, -90, -99 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => layout.Pack(new[] { 0, 16, 3, 4, 1, 1, 1, 1 }, new[] { 0, 1 }));
            var crumbs = new C4Blocks16Narrow(2, 4, 2);
            Assert.NotNull(crumbs.Minima(new[] { 5, 8, 6, 7, -128, -125, -128, -126 }));
            Assert.Null(crumbs.Minima(new[] { 5, 9, 6, 7, -128, -125, -128, -126 }));
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(5, 32)]
        [InlineData(7, 33)]
        [InlineData(300, 70)]
        public void F32PanelsRoundTripsAndPadsWithZeros(int depth, int columns)
        {
            var layout = new F32Panels(depth, columns, 32);
            var random = new Random(depth * 100 + columns);
            // No zeros among the values: every zero of the packed bytes is padding.
            var b = Enumerable.Range(0, depth * columns).Select(_ => (float)(random.NextDouble() + 0.5) * (random.Next(2) * 2 - 1)).ToArray();
            var bytes = layout.Pack(b);
            Assert.Equal((columns + 31) / 32 * 32 * depth * 4, bytes.Length);
            Assert.Equal(b, layout.Unpack(bytes));
            var packed = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, packed, 0, bytes.Length);
            // (k, j) at ((j / 32) · depth + k) · 32 + j % 32: each panel a stream of k-rows of 32 columns.
            Assert.Equal(b[(depth - 1) * columns + columns - 1], packed[((columns - 1) / 32 * depth + depth - 1) * 32 + (columns - 1) % 32]);
            Assert.Equal(packed.Length - depth * columns, packed.Count(v => v == 0));
            Assert.Equal("f32-panels depth=3 columns=40 width=32", new F32Panels(3, 40, 32).Text);
        }

        [Theory]
        [InlineData(1, 1, 1)]
        [InlineData(3, 64, 2)]
        [InlineData(5, 65, 5)]
        [InlineData(2, 200, 8)]
        public void BitPlanesRoundTripAndPadWithZeros(int rows, int depth, int bits)
        {
            var layout = new BitPlanes(rows, depth, bits);
            var random = new Random(rows * 1000 + depth * 10 + bits);
            var codes = Enumerable.Range(0, rows * depth).Select(_ => random.Next(1 << bits)).ToArray();
            codes[^1] = (1 << bits) - 1;
            var bytes = layout.Pack(codes);
            Assert.Equal(rows * bits * ((depth + 63) / 64) * 8, bytes.Length);
            Assert.Equal(codes, layout.Unpack(bytes));
            // Bit k of plane j of row r is bit k % 64 of little-endian word k / 64: the last code's top plane ends the stream.
            var words = new ulong[bytes.Length / 8];
            Buffer.BlockCopy(bytes, 0, words, 0, bytes.Length);
            Assert.Equal(1UL << (depth - 1) % 64, words[^1] & 1UL << (depth - 1) % 64);
            // The bits past the last k are zero, so they add nothing to a popcount.
            Assert.Equal(0UL, depth % 64 == 0 ? 0UL : words[^1] >> depth % 64);
            Assert.Equal("bit-planes rows=2 depth=3 bits=4", new BitPlanes(2, 3, 4).Text);
            Assert.Throws<ArgumentException>(() => new BitPlanes(1, 1, 2).Pack(new[] { 4 }));
        }

        [Theory]
        [InlineData(1, 1, 1, 1, 6)]
        [InlineData(64, 9, 64, 1, 6)]
        [InlineData(65, 4, 7, 2, 3)]
        [InlineData(130, 2, 5, 3, 2)]
        public void Lut64IndicesRoundTripAndPadWithZeros(int rows, int taps, int channels, int bits, int group)
        {
            var layout = new Lut64Indices(rows, taps, channels, bits, group);
            var random = new Random(rows * 1000 + taps * 100 + channels * 10 + bits);
            var codes = Enumerable.Range(0, rows * taps * channels).Select(_ => random.Next(1 << bits)).ToArray();
            var bytes = layout.Pack(codes);
            Assert.Equal((rows + 63) / 64 * taps * ((channels + group - 1) / group) * 64, bytes.Length);
            Assert.Equal(codes, layout.Unpack(bytes));
            // Each byte is a 6-bit index; the lanes past the last row are zero.
            Assert.All(bytes, b => Assert.True(b < 64));
            if (rows % 64 != 0)
                Assert.Equal(0, bytes[^1]);
            Assert.Throws<ArgumentException>(() => new Lut64Indices(1, 1, 1, 2, 3).Pack(new[] { 4 }));
            Assert.Throws<ArgumentException>(() => new Lut64Indices(1, 1, 1, 3, 3).Pack(new[] { 1 }));
        }

        [Theory]
        [InlineData(1, 1, 6)]
        [InlineData(2, 2, 3)]
        [InlineData(1, 3, 2)]
        [InlineData(3, 3, 2)]
        public void Lut64BankHoldsEveryGroupsDotProducts(int activationBits, int weightBits, int group)
        {
            var bank = new Lut64Bank(activationBits, weightBits, group);
            var bytes = bank.Pack();
            Assert.Equal((1 << group * activationBits) * 64, bytes.Length);
            var random = new Random(activationBits * 10 + weightBits);
            for (int trial = 0; trial < 200; trial++)
            {
                var a = Enumerable.Range(0, group).Select(_ => random.Next(1 << activationBits)).ToArray();
                var w = Enumerable.Range(0, group).Select(_ => random.Next(1 << weightBits)).ToArray();
                int pattern = 0, index = 0;
                for (int k = 0; k < group; k++)
                {
                    pattern |= a[k] << k * activationBits;
                    index |= w[k] << k * weightBits;
                }
                Assert.Equal(a.Zip(w, (x, y) => x * y).Sum(), bytes[pattern * 64 + index]);
            }
        }

        [Fact]
        public void VectorsRoundTripAndSayTheirLayout()
        {
            var ints = new Int32Vector(3);
            Assert.Equal(new[] { -1, 0, int.MaxValue }, ints.Unpack(ints.Pack(new[] { -1, 0, int.MaxValue })));
            var doubles = new Float64Vector(2);
            Assert.Equal(new[] { -0.5, 1e-300 }, doubles.Unpack(doubles.Pack(new[] { -0.5, 1e-300 })));
            Assert.Equal("c4-rows rows=2 channels=3 taps=9", new C4Rows(2, 3, 9).Text);
            Assert.Throws<ArgumentException>(() => ints.Pack(new[] { 1 }));
        }

        private static int[] Random(int n, int seed)
        {
            var random = new Random(seed);
            var w = new int[n];
            for (int i = 0; i < n; i++)
                w[i] = random.Next(-128, 128);
            if (n > 1)
            {
                w[0] = -128;
                w[n - 1] = 127;
            }
            return w;
        }
    }
}
