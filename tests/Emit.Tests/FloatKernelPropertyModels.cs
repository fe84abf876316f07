using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;
using CsCheck;
using static Bitsmith.Emit.Tests.HandBuiltModels;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// Random float Gemm, MatMul and Conv layers for the f32 kernels, drawn by CsCheck generators
    /// from a fixed seed (every run and every SIMD child process sees the same cases): row,
    /// column and channel counts that are not multiples of the 8 x 32 tiles, single rows,
    /// depths past one depth block, batched MatMul, alpha and beta, C of every broadcast form
    /// (one varying along the rows, which the kernel leaves to the loops), 1x1 inputs, kernels
    /// larger than the input with padding, strides, dilations, groups, 1-D convs, every
    /// activation, convs whose im2col runs in several blocks, and extreme values (magnitudes from 1e-30 to 1e15, subnormals, zeros of both
    /// signs). The kernels sum in float in their own order, so every case carries its magnitude
    /// graph and is compared within rounding relative to <c>Σ|a·b|</c>.
    /// </summary>
    public static class FloatKernelPropertyModels
    {
        public const int GemmCases = 32;

        /// <summary>Gemms whose B is iPQ codes of at most 16 centroids along k (the codebook GEMV's layers).</summary>
        public const int CodebookGemmCases = 12;

        /// <summary>
        /// The codebook GEMV's 16-bit tables round each block's dot products to its chunk's step (1/8191 of
        /// the largest deviation |T_g[j] − T_g[0]| of the chunk's four blocks), at most half a step a block:
        /// at most 8/16382 of <c>Σ_g max_j |T_g[j]|</c>, which the codebook cases' magnitude graph bounds
        /// (every centroid replaced by the largest |value| of each coordinate), plus float rounding. Not
        /// relative to the row's own <c>Σ|a·b|</c>: a block whose centroid is small beside the others' is
        /// rounded on its chunk's step.
        /// </summary>
        public const double CodebookSumTolerance = 6e-4;
        public const int ConvCases = 40;

        /// <summary>Convs deep and wide enough (depth · output width) that the im2col runs in several blocks of output rows, the last one shorter.</summary>
        public const int BlockedConvCases = 6;

        /// <summary>The name prefix of these cases.</summary>
        public const string Prefix = "float-kernel-property/";

        /// <summary>Values of a case: uniform in [-1, 1] (weights) and [-2, 2] (inputs), or extreme; which activation; the seed of its tensors.</summary>
        private sealed record Values(bool Extreme, int Activation, int Seed);

        /// <summary>C: 0 none, 1 [N], 2 one value, 3 [1, N], 4 [M, N] (varies along the rows).</summary>
        private sealed record GemmSpec(int Batch, int Rows, int Depth, int Columns, bool TransB, bool MatMul, float Alpha, float Beta, int Bias, Values Values);

        private sealed record CodebookSpec(int Rows, int BlockLength, int Blocks, int Columns, int Centroids, int Bias, float Beta, Values Values);

        private sealed record ConvSpec(int Batch, int Groups, int GroupChannels, int GroupFilters, int Height, int Width, int KernelH, int KernelW,
            int StrideH, int StrideW, int DilationH, int DilationW, int[] Pads, bool OneD, bool Bias, Values Values);

        private static readonly Gen<Values> ValueGen =
            from extreme in Gen.Int[0, 3]
            from activation in Gen.Int[0, 3]
            from seed in Gen.Int[0, 1 << 30]
            select new Values(extreme == 0, activation, seed);

        private static readonly Gen<GemmSpec> Gemms =
            from batch in Gen.OneOf(1, 1, 1, 2)
            from rows in Gen.OneOf(1, 1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 33)
            from depth in Gen.OneOf(Gen.Int[1, 40], Gen.Int[1, 40], Gen.Int[200, 600])
            from columns in Gen.OneOf(Gen.Int[1, 40], Gen.Int[30, 100])
            from transB in Gen.Bool
            from matmul in Gen.Bool
            from alpha in Gen.OneOf(1f, 1f, 0.5f, -2f)
            from beta in Gen.OneOf(1f, 1f, 0.25f)
            from bias in Gen.OneOf(0, 1, 1, 2, 3, 4)
            from values in ValueGen
            select new GemmSpec(batch, rows, depth, columns, transB, matmul, alpha, beta, bias, values);

        private static readonly Gen<CodebookSpec> CodebookGemms =
            from rows in Gen.OneOf(1, 1, 1, 2, 3)
            from d in Gen.OneOf(1, 2, 3, 4, 4, 8, 9)
            from blocks in Gen.OneOf(Gen.Int[1, 20], Gen.Int[100, 300])
            from columns in Gen.OneOf(Gen.Int[1, 40], Gen.Int[33, 130], Gen.Int[33, 130])
            from centroids in Gen.Int[2, 16]
            from bias in Gen.Int[0, 3]
            from beta in Gen.OneOf(1f, 0.25f)
            from values in ValueGen
            select new CodebookSpec(rows, d, blocks, columns, centroids, bias, beta, values with { Extreme = false });

        private static readonly Gen<ConvSpec> Convs =
            from batch in Gen.OneOf(1, 1, 1, 2)
            from groups in Gen.OneOf(1, 1, 1, 2, 3)
            from cg in Gen.OneOf(Gen.Int[1, 6], Gen.Int[1, 6], Gen.Int[10, 20])
            from mg in Gen.OneOf(Gen.Int[1, 5], Gen.Int[6, 20])
            from h in Gen.Int[1, 12]
            from w in Gen.OneOf(Gen.Int[1, 12], Gen.Int[20, 45])
            from kh in Gen.Int[1, 5]
            from kw in Gen.Int[1, 5]
            from sh in Gen.Int[1, 3]
            from sw in Gen.Int[1, 3]
            from dh in Gen.Int[1, 2]
            from dw in Gen.Int[1, 2]
            from pads in Gen.Int[0, 3].Array[4]
            from oneD in Gen.Int[0, 5]
            from bias in Gen.Bool
            from values in ValueGen
            select new ConvSpec(batch, groups, cg, mg, h, w, kh, kw, sh, sw, dh, dw, pads, oneD == 0, bias, values);

        private static readonly Gen<ConvSpec> BlockedConvs =
            from groups in Gen.OneOf(1, 1, 2)
            from cg in Gen.Int[36, 48]
            from mg in Gen.Int[1, 10]
            from h in Gen.Int[9, 16]
            from w in Gen.Int[30, 50]
            from kh in Gen.Int[4, 5]
            from kw in Gen.Int[4, 5]
            from stride in Gen.Int[1, 2]
            from pads in Gen.Int[0, 2].Array[4]
            from bias in Gen.Bool
            from values in ValueGen
            select new ConvSpec(1, groups, cg, mg, h, w, kh, kw, 1, stride, 1, 1, pads, false, bias, values);

        public static IEnumerable<ModelCase> All()
        {
            var pcg = new PCG(11, 20261205);
            for (int i = 0; i < GemmCases; i++)
                yield return Gemm(i, Gemms.Generate(pcg, null!, out _));
            for (int i = 0; i < ConvCases; i++)
                yield return Conv(i, Convs.Generate(pcg, null!, out _));
            for (int i = 0; i < BlockedConvCases; i++)
                yield return Conv(ConvCases + i, BlockedConvs.Generate(pcg, null!, out _));
            for (int i = 0; i < CodebookGemmCases; i++)
                yield return CodebookGemm(i, CodebookGemms.Generate(pcg, null!, out _));
        }

        private static ModelCase Gemm(int index, GemmSpec s)
        {
            bool batched = s.MatMul && s.Batch > 1;
            int[] aShape = batched ? new[] { s.Batch, s.Rows, s.Depth } : new[] { s.Rows, s.Depth };
            Graph Build(bool magnitudes)
            {
                var random = new Random(s.Values.Seed);
                var g = new Graph($"gemm_{index}", null);
                var a = new Value("a", ElementType.Float32, aShape);
                g.Inputs.Add(a);
                bool transB = s.TransB && !s.MatMul;
                var b = Constant("b", Floats(transB ? new[] { s.Columns, s.Depth } : new[] { s.Depth, s.Columns }, 1, s.Values.Extreme, magnitudes, random));
                var inputs = new List<Value> { a, b };
                int[]? cShape = s.MatMul ? null : s.Bias switch
                {
                    1 => new[] { s.Columns },
                    2 => new[] { 1 },
                    3 => new[] { 1, s.Columns },
                    4 => new[] { s.Rows, s.Columns },
                    _ => null,
                };
                if (cShape != null)
                    inputs.Add(Constant("c", Floats(cShape, 1, s.Values.Extreme, magnitudes, random)));
                var y = new Value("y", ElementType.Float32, Array.Empty<int>());
                var node = s.MatMul
                    ? Node("gemm", "MatMul", inputs.ToArray(), y)
                    : Node("gemm", "Gemm", inputs.ToArray(), y, ("transB", transB ? 1L : 0L));
                if (!s.MatMul)
                {
                    node.Attributes["alpha"] = Bitsmith.Compiler.Ir.Attribute.Float(magnitudes ? Math.Abs(s.Alpha) : s.Alpha);
                    node.Attributes["beta"] = Bitsmith.Compiler.Ir.Attribute.Float(magnitudes ? Math.Abs(s.Beta) : s.Beta);
                }
                node.Activation = magnitudes ? null : Activation(s.Values.Activation);
                return Finish(g, node, y);
            }
            return Case(Build(false), Build(true), s.Values);
        }

        /// <summary>A Gemm (transB = 1) whose B is <c>Reshape(Gather(codebook, codes))</c> with blocks along k, as iPQ exports a Linear layer.</summary>
        private static ModelCase CodebookGemm(int index, CodebookSpec s)
        {
            int k = s.BlockLength * s.Blocks;
            Graph Build(bool magnitudes)
            {
                var random = new Random(s.Values.Seed);
                var g = new Graph($"codebook_gemm_{index}", null);
                var a = new Value("a", ElementType.Float32, new[] { s.Rows, k });
                g.Inputs.Add(a);
                var book = Floats(new[] { s.Centroids, s.BlockLength }, 1, false, magnitudes, random);
                if (magnitudes)
                {
                    // Every centroid as the largest |value| of each coordinate over the centroids (the tables' scale).
                    var values = book.Floats;
                    for (int i = 0; i < s.BlockLength; i++)
                    {
                        float largest = Enumerable.Range(0, s.Centroids).Max(j => values[j * s.BlockLength + i]);
                        for (int j = 0; j < s.Centroids; j++)
                            values[j * s.BlockLength + i] = largest;
                    }
                }
                var codes = Ints(ElementType.Int64, new[] { s.Columns * s.Blocks }, 0, s.Centroids - 1, random);
                var b = new Value("b", ElementType.Float32, new[] { s.Columns, k }) { Codebook = new CodebookWeight(book, codes) };
                var inputs = new List<Value> { a, b };
                if (s.Bias > 0)
                    inputs.Add(Constant("c", Floats(s.Bias == 1 ? new[] { s.Columns } : s.Bias == 2 ? new[] { 1 } : new[] { 1, s.Columns }, 1, false, magnitudes, random)));
                var y = new Value("y", ElementType.Float32, Array.Empty<int>());
                var node = Node("gemm", "Gemm", inputs.ToArray(), y, ("transB", 1L));
                node.Attributes["beta"] = Bitsmith.Compiler.Ir.Attribute.Float(s.Beta);
                node.Activation = magnitudes ? null : Activation(s.Values.Activation);
                return Finish(g, node, y);
            }
            var c = Case(Build(false), Build(true), s.Values);
            return new ModelCase(c.Name, c.Graph, c.InputSets) { Magnitudes = c.Magnitudes, SumTolerance = CodebookSumTolerance };
        }

        private static ModelCase Conv(int index, ConvSpec s)
        {
            int c = s.Groups * s.GroupChannels, m = s.Groups * s.GroupFilters;
            int height = s.OneD ? 1 : s.Height, kernelH = s.OneD ? 1 : s.KernelH;
            // Widen the padding until the window fits the padded input at least once.
            var pads = s.OneD ? new[] { s.Pads[1], s.Pads[3] } : (int[])s.Pads.Clone();
            int wb = s.OneD ? 0 : 1, we = s.OneD ? 1 : 3;
            if (!s.OneD)
                while (height + pads[0] + pads[2] < s.DilationH * (kernelH - 1) + 1)
                    pads[2]++;
            while (s.Width + pads[wb] + pads[we] < s.DilationW * (s.KernelW - 1) + 1)
                pads[we]++;
            int[] xShape = s.OneD ? new[] { s.Batch, c, s.Width } : new[] { s.Batch, c, height, s.Width };
            int[] wShape = s.OneD ? new[] { m, s.GroupChannels, s.KernelW } : new[] { m, s.GroupChannels, kernelH, s.KernelW };
            long[] strides = s.OneD ? new long[] { s.StrideW } : new long[] { s.StrideH, s.StrideW };
            long[] dilations = s.OneD ? new long[] { s.DilationW } : new long[] { s.DilationH, s.DilationW };
            Graph Build(bool magnitudes)
            {
                var random = new Random(s.Values.Seed);
                var g = new Graph($"conv_{index}", null);
                var x = new Value("x", ElementType.Float32, xShape);
                g.Inputs.Add(x);
                var inputs = new List<Value> { x, Constant("w", Floats(wShape, 1, s.Values.Extreme, magnitudes, random)) };
                if (s.Bias)
                    inputs.Add(Constant("b", Floats(new[] { m }, 1, s.Values.Extreme, magnitudes, random)));
                var y = new Value("y", ElementType.Float32, Array.Empty<int>());
                var conv = Node("conv", "Conv", inputs.ToArray(), y, ("pads", pads.Select(p => (long)p).ToArray()), ("strides", strides),
                    ("dilations", dilations), ("group", (long)s.Groups));
                conv.Activation = magnitudes ? null : Activation(s.Values.Activation);
                return Finish(g, conv, y);
            }
            return Case(Build(false), Build(true), s.Values);
        }

        private static Graph Finish(Graph g, Node node, Value y)
        {
            g.Nodes.Add(node);
            g.Outputs.Add(y);
            TypeInference.Run(g);
            Verifier.Verify(g, VerifierStage.Optimized);
            return g;
        }

        /// <summary>Two input sets: values as the case draws them, and the same with every third value replaced by an extreme one.</summary>
        private static ModelCase Case(Graph g, Graph magnitudes, Values v)
        {
            var random = new Random(v.Seed + 1);
            var x = g.Inputs[0];
            var drawn = Floats(x.Shape, 2, v.Extreme, false, random);
            var mixed = Floats(x.Shape, 2, v.Extreme, false, random);
            for (int i = 0; i < mixed.Length; i += 3)
                mixed.Floats[i] = Extreme(random);
            return new ModelCase(Prefix + g.Name, g, new[] { new[] { drawn }, new[] { mixed } }) { Magnitudes = magnitudes };
        }

        /// <summary>Uniform values in [-range, range], or extreme ones; their absolute values for a magnitude graph.</summary>
        private static Tensor Floats(int[] shape, float range, bool extreme, bool absolute, Random random)
        {
            var t = Tensor.Zeros(ElementType.Float32, shape);
            for (int i = 0; i < t.Length; i++)
            {
                float v = extreme ? Extreme(random) : (float)(random.NextDouble() * 2 - 1) * range;
                t.Floats[i] = absolute ? Math.Abs(v) : v;
            }
            return t;
        }

        /// <summary>
        /// Zeros of both signs, huge (up to 1e15: products up to 1e30, sums far below float's
        /// 3.4e38), tiny (1e-30, whose products underflow in float), subnormal, or ordinary, each
        /// with either sign.
        /// </summary>
        private static float Extreme(Random random)
        {
            float sign = random.Next(2) == 0 ? -1 : 1;
            return random.Next(8) switch
            {
                0 => 0f,
                1 => -0f,
                2 => sign * (float)(random.NextDouble() * 1e15),
                3 => sign * (float)(random.NextDouble() * 1e-30),
                4 => sign * float.Epsilon * random.Next(1, 1000),
                _ => sign * (float)Math.Pow(10, random.NextDouble() * 10 - 5),
            };
        }

        private static FusedActivation? Activation(int mode) => mode switch
        {
            0 => null,
            1 => new FusedActivation(ActivationKind.Relu),
            2 => new FusedActivation(ActivationKind.Clip, -0.5f, 1.5f),
            _ => new FusedActivation(ActivationKind.HardSwish),
        };
    }
}
