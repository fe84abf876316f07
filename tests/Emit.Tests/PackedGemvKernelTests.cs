using System;
using System.Linq;
using System.Runtime.InteropServices;
using Bitsmith.Compiler.Lowering.Implementations;
using Bitsmith.Runtime.Kernels.Int8;
using Bitsmith.Runtime.Kernels.Lookup;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// The GEMV kernels of B packed below a byte, called directly on weights the compiler's packers
    /// wrote, against naive integer dot products: every width, depths that leave short groups and
    /// chunks, row counts that leave part of a block, activations and codes at their extremes.
    /// The SIMD ladder runs them again on every narrower path.
    /// </summary>
    public class PackedGemvKernelTests
    {
        private static readonly int[] Depths = { 1, 3, 4, 15, 16, 17, 33, 64, 100, 257, 1030 };

        /// <summary>Depths past one chunk of the narrow kernel's AVX-VNNI form (<see cref="NarrowGemvKernel.ChunkQuads"/> quads), whole and with a short last group.</summary>
        private static readonly int[] ChunkDepths = { 4 * NarrowGemvKernel.ChunkQuads, 4 * NarrowGemvKernel.ChunkQuads + 3, 6 * NarrowGemvKernel.ChunkQuads + 13 };

        [Fact]
        public void NarrowGemvMatchesNaiveDots()
        {
            foreach (int bits in new[] { 4, 2, 1 })
                foreach (int depth in Depths.Concat(ChunkDepths))
                    foreach (int mode in new[] { 0, 1, 2 })
                    {
                        var (rows, x, w, minima) = Case(bits, depth, mode);
                        var layout = new C4Blocks16Narrow(rows, depth, bits);
                        var packed = layout.Pack(w, minima);
                        var quads = PackRow(x);
                        var acc = new int[layout.Blocks * 16];
                        NarrowGemvKernel.Accumulate(bits, quads, packed, Pad(minima, acc.Length), Pad(layout.CodeSums(w, minima), acc.Length), layout.Blocks, acc);
                        AssertDots(x, w, rows, depth, acc, $"{bits} bits, depth {depth}, mode {mode}");
                    }
        }

        [Fact]
        public void LookupGemvMatchesNaiveDots()
        {
            foreach (int bits in new[] { 1, 2, 3, 4 })
                foreach (int depth in Depths)
                    foreach (int mode in new[] { 0, 1, 2 })
                    {
                        var (rows, x, w, minima) = Case(bits, depth, mode);
                        var layout = new Lut16Planes(rows, depth, bits);
                        var packed = layout.Pack(w, minima);
                        var quads = PackRow(x);
                        var tables = new ushort[LookupGemv.TableLength(quads.Length) + 7];   // longer than needed: the kernel takes whole chunks
                        LookupGemv.BuildTables(quads, tables.AsSpan(0, LookupGemv.TableLength(quads.Length)));
                        var acc = new int[layout.Blocks * 32];
                        LookupGemv.Accumulate(bits, tables.AsSpan(0, LookupGemv.TableLength(quads.Length)), packed, Pad(minima, acc.Length), layout.Blocks, acc);
                        AssertDots(x, w, rows, depth, acc, $"{bits} bits, depth {depth}, mode {mode}");
                    }
        }

        /// <summary>Mode 0: random; 1: activations 255 and every code at its largest; 2: activations 0 and 255 alternating, codes at both ends.</summary>
        private static (int Rows, byte[] X, int[] W, int[] Minima) Case(int bits, int depth, int mode)
        {
            var random = new Random(bits * 7919 + depth * 31 + mode);
            int rows = 1 + random.Next(70), span = (1 << bits) - 1;
            var x = Enumerable.Range(0, depth).Select(k => (byte)(mode switch { 0 => random.Next(256), 1 => 255, _ => k % 2 * 255 })).ToArray();
            var minima = Enumerable.Range(0, rows).Select(r => r % 3 == 0 ? -128 : r % 3 == 1 ? 127 - span : random.Next(-128, 128 - span)).ToArray();
            var w = new int[rows * depth];
            for (int r = 0; r < rows; r++)
                for (int k = 0; k < depth; k++)
                    w[r * depth + k] = minima[r] + mode switch { 0 => random.Next(span + 1), 1 => span, _ => (k + r) % 2 * span };
            // The row minimum is its smallest weight: set one weight of each row to it.
            for (int r = 0; r < rows; r++)
                w[r * depth] = minima[r];
            return (rows, x, w, minima);
        }

        private static int[] PackRow(byte[] x)
        {
            var quads = new int[(x.Length + 3) / 4];
            RowPacker.Pack(x, 0, 0, quads);
            return quads;
        }

        private static int[] Pad(int[] minima, int length) => minima.Concat(new int[length - minima.Length]).ToArray();

        private static void AssertDots(byte[] x, int[] w, int rows, int depth, int[] acc, string what)
        {
            for (int r = 0; r < rows; r++)
            {
                int expected = 0;
                for (int k = 0; k < depth; k++)
                    expected += x[k] * w[r * depth + k];
                Assert.True(expected == acc[r], $"{what}: row {r} of {rows} is {acc[r]}, not {expected}");
            }
        }
    }
}
