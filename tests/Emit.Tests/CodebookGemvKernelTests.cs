using System;
using System.Linq;
using Bitsmith.Compiler.Lowering.Implementations;
using Bitsmith.Compiler.Lowering.Implementations.Float32;
using Bitsmith.Runtime.Kernels;
using Bitsmith.Runtime.Kernels.Lookup;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// The codebook GEMV ("fast scan") called directly on codes the compiler's packer wrote, against
    /// the dense product in double: within the kernel's stated rounding bound (half of its chunk's
    /// table step a block) plus float rounding relative to <c>Σ|a·b|</c>. Block lengths 1 to 9, block counts
    /// that leave part of a chunk, of a 16-bit flush and of a table pass, row counts that leave part
    /// of a block of 32, 2 to 16 centroids, and inputs that are all zero, all equal, or span many
    /// orders of magnitude. The SIMD ladder runs them again on every narrower path.
    /// </summary>
    public class CodebookGemvKernelTests
    {
        private static readonly int[] GroupCounts = { 1, 3, 4, 5, 15, 16, 17, 64, 127, 128, 129, 300 };

        [Fact]
        public void LookupsMatchTheDenseProductWithinTheRoundingBound()
        {
            Assert.Equal(CodebookGemvImplementation.Centroids, CodebookGemv.Centroids);
            int checkedRows = 0;
            foreach (int d in new[] { 1, 2, 3, 4, 8, 9 })
                foreach (int groups in GroupCounts)
                    foreach (int mode in new[] { 0, 1, 2, 3 })
                    {
                        var random = new Random(d * 1009 + groups * 31 + mode);
                        int rows = 1 + random.Next(70), k = groups * d, centroidCount = 2 + random.Next(15);
                        var x = Enumerable.Range(0, k).Select(_ => mode switch
                        {
                            0 => (float)(random.NextDouble() * 4 - 2),
                            1 => 0f,
                            2 => 1.5f,
                            // Magnitudes over 12 orders of ten: each chunk of four blocks keeps its own step.
                            _ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 7))),
                        }).ToArray();
                        var book = Enumerable.Range(0, centroidCount * d).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                        var codes = Enumerable.Range(0, rows * groups).Select(i => i % 7 == 0 ? centroidCount - 1 : random.Next(centroidCount)).ToArray();
                        var bias = Enumerable.Range(0, rows).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();

                        var layout = new Lut16Codes(rows, groups);
                        var packed = layout.Pack(codes);
                        Assert.Equal(codes, layout.Unpack(packed));
                        var byCoordinate = new float[d * CodebookGemv.Centroids];
                        for (int c = 0; c < centroidCount; c++)
                            for (int i = 0; i < d; i++)
                                byCoordinate[i * CodebookGemv.Centroids + c] = book[c * d + i];
                        var tables = new ushort[LookupGemv.TableLength(groups)];
                        var steps = new float[CodebookGemv.Chunks(groups)];
                        float offset = CodebookGemv.BuildTables(x, byCoordinate, d, tables, steps);
                        var acc = new float[layout.Blocks * 32];
                        CodebookGemv.Accumulate(tables, steps, packed, layout.Blocks, acc);
                        var y = new float[rows];
                        CodebookGemv.Finish(acc, offset, bias, new NoActivation(), y);

                        double bound = CodebookGemv.RoundingBound(steps, groups);
                        for (int r = 0; r < rows; r++)
                        {
                            double exact = bias[r], magnitude = Math.Abs(bias[r]);
                            for (int g = 0; g < groups; g++)
                                for (int i = 0; i < d; i++)
                                {
                                    double term = (double)x[g * d + i] * book[codes[r * groups + g] * d + i];
                                    exact += term;
                                    magnitude += Math.Abs(term);
                                }
                            double tolerance = bound * 1.0001 + 1e-5 * magnitude + 1e-30;
                            Assert.True(Math.Abs(y[r] - exact) <= tolerance,
                                $"d {d}, {groups} blocks, mode {mode}, row {r} of {rows}: {y[r]}, exact {exact} (bound {bound}, Σ|a·b| {magnitude})");
                            checkedRows++;
                        }
                        if (mode == 1)
                            Assert.All(steps, s => Assert.Equal(0f, s));
                    }
            Assert.True(checkedRows > 1000);
        }

        /// <summary>Entry 0 of every table is 0, and each chunk's largest entry is the limit: its step is its own, however large the other chunks' activations.</summary>
        [Fact]
        public void EachChunkTakesItsOwnStep()
        {
            var random = new Random(5);
            int d = 4, groups = 40;
            var x = Enumerable.Range(0, groups * d).Select(i => (float)(random.NextDouble() * 10 - 5) * (i / (4 * d) == 3 ? 1e6f : 1f)).ToArray();
            var byCoordinate = Enumerable.Range(0, d * CodebookGemv.Centroids).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var tables = new ushort[LookupGemv.TableLength(groups)];
            var steps = new float[CodebookGemv.Chunks(groups)];
            CodebookGemv.BuildTables(x, byCoordinate, d, tables, steps);
            Assert.All(Enumerable.Range(0, groups), g => Assert.Equal(0, (short)tables[g * LookupGemv.TableEntries]));
            for (int c = 0; c < steps.Length; c++)
            {
                int largest = Enumerable.Range(4 * c, 4).SelectMany(g => Enumerable.Range(0, 16).Select(e => Math.Abs((int)(short)tables[g * LookupGemv.TableEntries + e]))).Max();
                Assert.Equal(CodebookGemv.EntryLimit, largest);
            }
            Assert.True(steps[3] > 1e5f * steps[2], $"the outlier chunk's step {steps[3]} against its neighbour's {steps[2]}");
        }
    }
}
