using System;
using System.Linq;
using Bitsmith.Runtime.Kernels.BitSerial;
using CsCheck;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// The bit-serial kernels against naive sums written here: every (weight bits, activation
    /// bits) pair from 1 to 8 on random shapes (K = 1, below 64, not a multiple of 64, and past
    /// the 31 vectors that one byte sum holds), codes random, all zero or all at the maximum,
    /// in every popcount form this process can run (SimdLadderTests runs them again with fewer
    /// instruction sets); the {-1, +1} form; and the packers, unpacked again.
    /// </summary>
    public class BitSerialKernelTests
    {
        /// <summary>Codes random, all zero, all at the maximum.</summary>
        private const int Random = 0, Zero = 1, Max = 2;

        private sealed record Case(int K, int Rows, int ActivationMode, int WeightMode, int Seed);

        private static readonly Gen<Case> Cases =
            from k in Gen.OneOf(Gen.Const(1), Gen.Int[1, 63], Gen.Int[64, 700], Gen.Int[7900, 8400])
            from rows in Gen.Int[1, 5]
            from activationMode in Gen.OneOf(Gen.Const(Random), Gen.Const(Random), Gen.Int[Zero, Max])
            from weightMode in Gen.OneOf(Gen.Const(Random), Gen.Const(Random), Gen.Int[Zero, Max])
            from seed in Gen.Int[0, 1 << 30]
            select new Case(k, rows, activationMode, weightMode, seed);

        private static PopCountForm[] Forms => Enum.GetValues<PopCountForm>().Where(BitSerialGemv.IsSupported).ToArray();

        [Fact]
        public void UnsignedProductsMatchNaiveDotsForEveryBitPair()
        {
            Cases.Sample(c =>
            {
                var random = new System.Random(c.Seed);
                for (int weightBits = 1; weightBits <= 8; weightBits++)
                    for (int activationBits = 1; activationBits <= 8; activationBits++)
                    {
                        var a = Codes(c.K, activationBits, c.ActivationMode, random);
                        var w = Codes(c.Rows * c.K, weightBits, c.WeightMode, random);
                        var aPlanes = new ulong[ActivationPlanes.Length(c.K, activationBits)];
                        var wPlanes = new ulong[WeightPlanes.Length(c.Rows, c.K, weightBits)];
                        ActivationPlanes.Pack(a, activationBits, aPlanes);
                        WeightPlanes.Pack(w, c.Rows, c.K, weightBits, wPlanes);
                        var expected = Enumerable.Range(0, c.Rows).Select(r => Enumerable.Range(0, c.K).Sum(i => a[i] * w[r * c.K + i])).ToArray();
                        foreach (var form in Forms)
                        {
                            var output = new int[c.Rows];
                            BitSerialGemv.Multiply(aPlanes, activationBits, wPlanes, weightBits, c.K, output, form);
                            Assert.True(expected.SequenceEqual(output), $"W{weightBits}A{activationBits} {form}, {c}: [{string.Join(", ", output)}], expected [{string.Join(", ", expected)}]");
                        }
                        var chosen = new int[c.Rows];
                        BitSerialGemv.Multiply(aPlanes, activationBits, wPlanes, weightBits, c.K, chosen);
                        Assert.Equal(expected, chosen);
                    }
            });
        }

        [Fact]
        public void XnorProductsMatchNaiveSignDots()
        {
            Cases.Sample(c =>
            {
                var random = new System.Random(c.Seed);
                var a = Codes(c.K, 1, c.ActivationMode, random);
                var w = Codes(c.Rows * c.K, 1, c.WeightMode, random);
                var aPlanes = new ulong[ActivationPlanes.Length(c.K, 1)];
                var wPlanes = new ulong[WeightPlanes.Length(c.Rows, c.K, 1)];
                ActivationPlanes.Pack(a, 1, aPlanes);
                WeightPlanes.Pack(w, c.Rows, c.K, 1, wPlanes);
                var expected = Enumerable.Range(0, c.Rows).Select(r => Enumerable.Range(0, c.K).Sum(i => Sign(a[i]) * Sign(w[r * c.K + i]))).ToArray();
                foreach (var form in Forms)
                {
                    var output = new int[c.Rows];
                    BitSerialGemv.MultiplyXnor(aPlanes, wPlanes, c.K, output, form);
                    Assert.True(expected.SequenceEqual(output), $"{form}, {c}: [{string.Join(", ", output)}], expected [{string.Join(", ", expected)}]");
                }
                var chosen = new int[c.Rows];
                BitSerialGemv.MultiplyXnor(aPlanes, wPlanes, c.K, chosen);
                Assert.Equal(expected, chosen);
            });
        }

        [Fact]
        public void PackedPlanesUnpackToTheCodesWithZeroPadding()
        {
            Cases.Sample(c =>
            {
                var random = new System.Random(c.Seed);
                int bits = random.Next(1, 9), words = ActivationPlanes.WordsPerPlane(c.K);
                var codes = Codes(c.Rows * c.K, bits, c.WeightMode, random);
                // Poisoned destinations: every word must be written, padding bits included.
                var rowPlanes = Enumerable.Repeat(ulong.MaxValue, WeightPlanes.Length(c.Rows, c.K, bits)).ToArray();
                WeightPlanes.Pack(codes, c.Rows, c.K, bits, rowPlanes);
                var vectorPlanes = Enumerable.Repeat(ulong.MaxValue, ActivationPlanes.Length(c.K, bits)).ToArray();
                ActivationPlanes.Pack(codes.AsSpan(0, c.K), bits, vectorPlanes);
                Assert.Equal(codes.AsSpan(0, c.K).ToArray(), Unpack(vectorPlanes, c.K, bits, words));
                for (int r = 0; r < c.Rows; r++)
                {
                    var row = rowPlanes.AsSpan(r * bits * words, bits * words).ToArray();
                    Assert.Equal(codes.AsSpan(r * c.K, c.K).ToArray(), Unpack(row, c.K, bits, words));
                    for (int j = 0; j < bits; j++)
                        Assert.Equal(0UL, row[j * words + words - 1] >> 1 >> ((c.K - 1) % 64));
                }
            });
        }

        [Fact]
        public void ProductsThatCanExceedInt32AreRefused()
        {
            var planes = new ulong[8 * ActivationPlanes.WordsPerPlane(33_026)];
            BitSerialGemv.Multiply(planes, 8, planes, 8, 33_025, new int[1]);
            Assert.Throws<ArgumentException>(() => BitSerialGemv.Multiply(planes, 8, planes, 8, 33_026, new int[1]));
        }

        [Fact]
        public void KernelsAllocateNothing()
        {
            var a = new ulong[ActivationPlanes.Length(1000, 3)];
            var w = new ulong[WeightPlanes.Length(7, 1000, 5)];
            var codes = new byte[1000];
            var output = new int[7];
            var forms = Forms;
            foreach (var form in forms)
            {
                BitSerialGemv.Multiply(a, 3, w, 5, 1000, output, form);
                BitSerialGemv.MultiplyXnor(a, w, 1000, output, form);
            }
            ActivationPlanes.Pack(codes, 3, a);
            long before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var form in forms)
            {
                BitSerialGemv.Multiply(a, 3, w, 5, 1000, output, form);
                BitSerialGemv.MultiplyXnor(a, w, 1000, output, form);
            }
            ActivationPlanes.Pack(codes, 3, a);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        private static int Sign(byte code) => code == 1 ? 1 : -1;

        private static byte[] Codes(int count, int bits, int mode, System.Random random)
        {
            var codes = new byte[count];
            for (int i = 0; i < count; i++)
                codes[i] = mode switch { Zero => 0, Max => (byte)((1 << bits) - 1), _ => (byte)random.Next(1 << bits) };
            return codes;
        }

        /// <summary>The codes back from one vector's planes, bit by bit.</summary>
        private static byte[] Unpack(ulong[] planes, int k, int bits, int words)
        {
            var codes = new byte[k];
            for (int i = 0; i < k; i++)
                for (int j = 0; j < bits; j++)
                    codes[i] |= (byte)(((planes[j * words + i / 64] >> (i % 64)) & 1) << j);
            return codes;
        }
    }
}
