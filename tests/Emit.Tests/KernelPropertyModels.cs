using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Lowering.Implementations;
using Bitsmith.Compiler.Ops;
using CsCheck;
using static Bitsmith.Emit.Tests.HandBuiltModels;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// Random quantised Conv and Gemm layers for the int8 kernels, drawn by CsCheck generators
    /// from a fixed seed (so every run and every SIMD child process sees the same cases, which
    /// are compiled together into one assembly): channel counts that are not multiples of the
    /// vector width, 1x1 inputs, kernels larger than the input with padding, every stride and
    /// dilation, groups up to depthwise, extreme and equal weights, zero points at both ends,
    /// u8 and s8 inputs, u8/s8/s4/u4 weights, every output type and activation; a third of the
    /// cases force the exact 16-bit form, the rest take what the cost model picks. Depthwise
    /// convs get their own cases, on planes wide enough for every vector loop of the packers,
    /// forced in turn onto the phased, the masked and the channels-in-lanes implementations.
    /// </summary>
    public static class KernelPropertyModels
    {
        public const int ConvCases = 48;
        public const int DepthwiseCases = 18;
        public const int RowsCases = 16;

        /// <summary>Rows cases with 1 to 3 input channels and undilated kernel rows: the compact rows (every fourth).</summary>
        public const int CompactRowsCases = RowsCases / 4;
        public const int GemmCases = 24;
        public const int BinaryCases = 12;
        public const int PoolCases = 16;
        public const int AverageCases = 8;

        /// <summary>One-row GEMVs forced onto the bit-serial kernel, one for each (weight bits, activation bits) from 1 to 8.</summary>
        public const int BitSerialCases = 64;

        public const string BitSerialImplementation = "qgemv_bitserial_popcount";

        /// <summary>The GEMVs of B packed narrower than a byte: 4, 2 and 1 bits a weight unpacked in registers, 1 to 4 bit-planes looked up in tables.</summary>
        public static readonly IReadOnlyList<(string Name, int Bits)> PackedGemvImplementations = new[]
        {
            ("qgemv_u8s4_16c4", 4), ("qgemv_u8s2_16c4", 2), ("qgemv_u8s1_16c4", 1),
            ("qgemv_u8s1_lut16_32", 1), ("qgemv_u8s2_lut16_32", 2), ("qgemv_u8s3_lut16_32", 3), ("qgemv_u8s4_lut16_32", 4),
        };

        /// <summary>The (activation bits, weight bits) the low-bit lookup conv takes: 1 to 3 each.</summary>
        public static readonly IReadOnlyList<(int Activations, int Weights)> LowBitConvWidths =
            new[] { (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3) };

        /// <summary>Convs forced onto the low-bit lookup conv: three for each of <see cref="LowBitConvWidths"/>.</summary>
        public const int LowBitConvCases = 27;

        public const string LowBitConvImplementation = "qconv_lowbit_lut64_8x64";

        /// <summary>3×3 stride-1 convs forced onto the integer Winograd conv: three for each activation width 1 to 5, weights of 1 to 4 bits in [-8, 8].</summary>
        public const int WinogradConvCases = 15;

        public const string WinogradConvImplementation = "qconv_winograd_f2x3_u8s8";

        /// <summary>One-row GEMVs forced onto each of <see cref="PackedGemvImplementations"/>, rows spanning 1 bit up to its width above their own minimum anywhere in s8 or u8.</summary>
        public const int PackedGemvCasesEach = 4;

        /// <summary>The name prefix of these cases.</summary>
        public const string Prefix = "kernel-property/";

        private sealed record ConvSpec(int Batch, int Groups, int GroupChannels, int GroupFilters, int Height, int Width, int KernelH, int KernelW,
            int StrideH, int StrideW, int DilationH, int DilationW, int[] Pads, Layer Layer);

        private sealed record GemmSpec(int Rows, int Depth, int Columns, bool TransB, bool Matmul, float Beta, Layer Layer);

        /// <summary>What every case varies besides shapes: types, zero points, weights, bias, output, activation, forced form, the seed of its tensors.</summary>
        private sealed record Layer(bool SignedInput, int InputZeroMode, ElementType WeightType, int WeightMode, bool PerChannel, int BiasMode,
            int OutputMode, int ActivationMode, bool ForceExact, int Seed);

        private static readonly Gen<Layer> Layers =
            from signed in Gen.Bool
            from zeroMode in Gen.Int[0, 2]
            from weightType in Gen.OneOf(ElementType.Int8, ElementType.Int8, ElementType.UInt8, ElementType.Int4, ElementType.UInt4)
            from weightMode in Gen.Int[0, 3]
            from perChannel in Gen.Bool
            from biasMode in Gen.Int[0, 2]
            from outputMode in Gen.Int[0, 2]
            from activation in Gen.Int[0, 3]
            from forceExact in Gen.Int[0, 2]
            from seed in Gen.Int[0, 1 << 30]
            select new Layer(signed, zeroMode, weightType, weightMode, perChannel, biasMode, outputMode, activation, forceExact == 0, seed);

        private static readonly Gen<ConvSpec> Convs =
            from batch in Gen.OneOf(1, 1, 1, 2)
            from groups in Gen.OneOf(1, 1, 1, 2, 3, 0)
            from cg in Gen.Int[1, 9]
            from mg in Gen.Int[1, 9]
            from h in Gen.Int[1, 11]
            from w in Gen.Int[1, 11]
            from kh in Gen.Int[1, 5]
            from kw in Gen.Int[1, 5]
            from sh in Gen.Int[1, 3]
            from sw in Gen.Int[1, 3]
            from dh in Gen.Int[1, 2]
            from dw in Gen.Int[1, 2]
            from pads in Gen.Int[0, 3].Array[4]
            from layer in Layers
            select new ConvSpec(batch, groups == 0 ? cg : groups, groups == 0 ? 1 : cg, mg, h, w, kh, kw, sh, sw, dh, dw, pads, layer);

        /// <summary>Depthwise convs (any channel multiplier) on planes up to 40 wide, stride 1 or 2.</summary>
        private static readonly Gen<ConvSpec> DepthwiseConvs =
            from batch in Gen.OneOf(1, 1, 2)
            from channels in Gen.Int[1, 20]
            from multiplier in Gen.OneOf(1, 1, 1, 2)
            from h in Gen.Int[1, 24]
            from w in Gen.Int[1, 40]
            from kh in Gen.Int[1, 5]
            from kw in Gen.Int[1, 5]
            from stride in Gen.OneOf(1, 1, 2)
            from dh in Gen.Int[1, 2]
            from dw in Gen.Int[1, 2]
            from pads in Gen.Int[0, 2].Array[4]
            from layer in Layers
            select new ConvSpec(batch, channels, 1, multiplier, h, w, kh, kw, stride, stride, dh, dw, pads, layer with { ForceExact = false });

        private sealed record PoolSpec(int Planes, int Height, int Width, int KernelH, int KernelW, int Stride, int Dilation, int[] Pads, bool CeilMode, bool Signed, bool Quantised, int Seed);

        /// <summary>8-bit MaxPools: rows narrower and wider than a vector, every stride and dilation, windows reaching into the padding.</summary>
        private static readonly Gen<PoolSpec> Pools =
            from planes in Gen.Int[1, 6]
            from h in Gen.Int[1, 20]
            from w in Gen.Int[1, 70]
            from kh in Gen.Int[1, 4]
            from kw in Gen.Int[1, 4]
            from stride in Gen.Int[1, 3]
            from dilation in Gen.Int[1, 2]
            from pads in Gen.Int[0, 3].Array[4]
            from ceil in Gen.Bool
            from signed in Gen.Bool
            from quantised in Gen.OneOf(true, true, false)
            from seed in Gen.Int[0, 1 << 30]
            select new PoolSpec(planes, h, w, kh, kw, stride, dilation, pads, ceil, signed, quantised, seed);

        private static readonly Gen<GemmSpec> Gemms =
            from rows in Gen.OneOf(1, 1, 2, 3)
            from depth in Gen.Int[1, 80]
            from columns in Gen.Int[1, 40]
            from transB in Gen.Bool
            from matmul in Gen.Bool
            from beta in Gen.OneOf(1f, 1f, 0.5f)
            from layer in Layers
            select new GemmSpec(rows, depth, columns, transB, matmul, beta, layer);

        public static IEnumerable<ModelCase> All()
        {
            var pcg = new PCG(7, 20261204);
            for (int i = 0; i < ConvCases; i++)
                yield return Conv(i, Convs.Generate(pcg, null!, out _));
            for (int i = 0; i < DepthwiseCases; i++)
            {
                var spec = DepthwiseConvs.Generate(pcg, null!, out _);
                if (i % 3 == 0)
                {
                    yield return Conv(ConvCases + i, spec, "qdwconv_u8s8_f32fma_16");
                    continue;
                }
                if (i % 3 == 2)
                {
                    // Channels in lanes: one filter a channel, planes small and large.
                    yield return Conv(ConvCases + i, spec with { GroupFilters = 1 }, "qdwconv_u8s8_f32fma_c16");
                    continue;
                }
                // The masked form needs stride 1 and an output no wider than the input.
                var pads = (int[])spec.Pads.Clone();
                pads[1] = Math.Min(pads[1], spec.DilationW * (spec.KernelW - 1));
                pads[3] = Math.Min(pads[3], spec.DilationW * (spec.KernelW - 1) - pads[1]);
                yield return Conv(ConvCases + i, spec with { StrideH = 1, StrideW = 1, Pads = pads }, "qdwconv_u8s8_f32fma_masked16");
            }
            for (int i = 0; i < RowsCases; i++)
            {
                // Dense convs on small maps (1x1 and k x k, padded, strided, dilated), half forced onto the im2col-rows kernels.
                var spec = Convs.Generate(pcg, null!, out _);
                bool compact = i % 4 == 1;
                int channels = (compact ? Gen.Int[1, 3] : Gen.Int[1, 70]).Generate(pcg, null!, out _), filters = Gen.Int[1, 70].Generate(pcg, null!, out _);
                spec = spec with { Groups = 1, GroupChannels = channels, GroupFilters = filters, Height = Math.Min(spec.Height, 8), Width = Math.Min(spec.Width, 8) };
                if (compact)
                    spec = spec with { KernelW = Math.Max(spec.KernelW, 2), DilationW = 1 };
                else if (i % 3 == 0)
                    spec = spec with { KernelH = 1, KernelW = 1, Pads = new int[4] };
                bool force = compact || i % 2 == 0;
                yield return Conv(ConvCases + DepthwiseCases + i, spec, force ? (spec.Layer.ForceExact ? "qconv_u8s8_rows_4x16c4_exact16" : "qconv_u8s8_rows_4x16c4") : null);
            }
            for (int i = 0; i < GemmCases; i++)
                yield return Gemm(i, Gemms.Generate(pcg, null!, out _));
            for (int i = 0; i < BinaryCases; i++)
                yield return Binary(i, Layers.Generate(pcg, null!, out _), Gen.Int[1, 70].Generate(pcg, null!, out _));
            for (int i = 0; i < PoolCases; i++)
            {
                var spec = Pools.Generate(pcg, null!, out _);
                // Every fourth the common 2x2 window at stride 2 inside the input (its own vector path), odd sizes too.
                if (i % 4 == 3)
                    spec = spec with { KernelH = 2, KernelW = 2, Stride = 2, Dilation = 1, Pads = new int[4], CeilMode = false, Width = new[] { 15, 33, 64, 21 }[i / 4], Height = 2 + i };
                yield return Pool(i, spec);
            }
            for (int i = 0; i < AverageCases; i++)
                yield return GlobalAverage(i, Pools.Generate(pcg, null!, out _));
            for (int i = 0; i < BitSerialCases; i++)
                yield return NarrowGemv($"bitserial_gemv_{i}", BitSerialImplementation, i / 8 + 1, i % 8 + 1, Gemms.Generate(pcg, null!, out _), Gen.Int[2, 200].Generate(pcg, null!, out _));
            foreach (var (implementation, bits) in PackedGemvImplementations)
                for (int i = 0; i < PackedGemvCasesEach; i++)
                    yield return NarrowGemv($"{implementation}_{i}", implementation, i % bits + 1, 8, Gemms.Generate(pcg, null!, out _), Gen.Int[1, 200].Generate(pcg, null!, out _));
            for (int i = 0; i < LowBitConvCases; i++)
                yield return NarrowConv(i, LowBitConvWidths[i / 3].Activations, LowBitConvWidths[i / 3].Weights, Convs.Generate(pcg, null!, out _), Gen.Int[1, 70].Generate(pcg, null!, out _), Gen.OneOf(Gen.Int[1, 70], Gen.Int[120, 140]).Generate(pcg, null!, out _));
            for (int i = 0; i < WinogradConvCases; i++)
                yield return NarrowConv(i, i / 3 + 1, i % 4 + 1, Convs.Generate(pcg, null!, out _), Gen.Int[1, 70].Generate(pcg, null!, out _), Gen.Int[1, 70].Generate(pcg, null!, out _), winograd: true);
        }

        /// <summary>
        /// The codes [lo, hi] of an activation declared <paramref name="bits"/> wide and its zero
        /// point, at the low end, the high end or drawn (<paramref name="zeroMode"/>): for u8 codes
        /// from 0, the zero point among them or anywhere in u8; for s8 within 2^(bits-1) of the zero point.
        /// </summary>
        private static (int Lo, int Hi, int Zero) NarrowCodes(ElementType type, int bits, int zeroMode, bool zeroAmongCodes, Random random)
        {
            int half = 1 << (bits - 1), max = (1 << bits) - 1;
            if (type == ElementType.UInt8)
                return (0, max, zeroMode switch { 0 => 0, 1 => max, _ => random.Next(0, zeroAmongCodes ? max + 1 : 256) });
            if (bits == 8)
                return (-128, 127, zeroMode switch { 0 => -128, 1 => 127, _ => random.Next(-128, 128) });
            int zero = zeroMode switch { 0 => -128 + half, 1 => 128 - half, _ => random.Next(-128 + half, 129 - half) };
            return (zero - half, zero + half - 1, zero);
        }

        /// <summary>
        /// A conv (group 1) whose activation is declared <paramref name="activationBits"/> wide, with
        /// codes over that range and at its ends and the zero point inside it (the padding's code),
        /// and whose output channels' weights are each <c>m + step · code</c> with codes spanning
        /// exactly <paramref name="weightBits"/> bits (every fourth case binary {-1, +1}, the others
        /// steps of 1 to 3 from a smallest weight anywhere in s8); channels as many as keep a window's
        /// sums within the kernel's 16 bits; forced onto <see cref="LowBitConvImplementation"/>.
        /// With <paramref name="winograd"/>, a 3×3 stride-1 undilated window, weights in [-8, 8]
        /// (step 1, the smallest at -8, at 8 - span or drawn) and any number of channels, forced onto
        /// <see cref="WinogradConvImplementation"/>.
        /// </summary>
        private static ModelCase NarrowConv(int index, int activationBits, int weightBits, ConvSpec s, int channels, int filters, bool winograd = false)
        {
            var l = s.Layer;
            var random = new Random(l.Seed);
            int taps = s.KernelH * s.KernelW, maxA = (1 << activationBits) - 1, maxW = (1 << weightBits) - 1;
            if (winograd)
            {
                s = s with { KernelH = 3, KernelW = 3, StrideH = 1, StrideW = 1, DilationH = 1, DilationW = 1, Pads = s.Pads.Select(p => Math.Min(p, 2)).ToArray() };
                taps = 9;
            }
            else
                channels = Math.Max(1, Math.Min(channels, ushort.MaxValue / (taps * maxA * maxW)));
            var spec = s with { Groups = 1, GroupChannels = channels, GroupFilters = filters, Width = s.Width + random.Next(0, 12) };
            var pads = (int[])spec.Pads.Clone();
            while (spec.Height + pads[0] + pads[2] < spec.DilationH * (spec.KernelH - 1) + 1)
                pads[2]++;
            while (spec.Width + pads[1] + pads[3] < spec.DilationW * (spec.KernelW - 1) + 1)
                pads[3]++;
            var g = new Graph($"{(winograd ? "winograd" : "lowbit")}_conv_{index}", null);
            var type = l.SignedInput ? ElementType.Int8 : ElementType.UInt8;
            var (lo, hi, zero) = NarrowCodes(type, activationBits, l.InputZeroMode, zeroAmongCodes: true, random);
            var x = new Value("x", type, new[] { spec.Batch, channels, spec.Height, spec.Width }) { Quant = PerTensor(0.01f + (float)random.NextDouble() * 0.05f, zero, activationBits) };
            g.Inputs.Add(x);
            bool binary = index % 4 == 0 && weightBits == 1;
            var t = Tensor.Zeros(ElementType.Int8, new[] { filters, channels, spec.KernelH, spec.KernelW });
            int perFilter = channels * taps;
            for (int o = 0; o < filters; o++)
            {
                int step = binary ? 2 : winograd ? 1 : random.Next(1, 4), span = step * maxW, lowest = winograd ? -8 : -128, highest = winograd ? 8 : 127;
                int m = binary ? -1 : (o % 3) switch { 0 => lowest, 1 => highest - span, _ => random.Next(lowest, highest + 1 - span) };
                for (int d = 0; d < perFilter; d++)
                {
                    // Both ends of the span in every channel, so its width is exact.
                    int code = d == 0 ? 0 : d == perFilter - 1 ? maxW : l.WeightMode == 3 ? random.Next(2) * maxW : random.Next(maxW + 1);
                    t.SetInt64(o * perFilter + d, m + step * code);
                }
            }
            var w = Constant("w", t);
            int scales = l.PerChannel ? filters : 1;
            w.Quant = new QuantParams(Enumerable.Range(0, scales).Select(_ => 0.002f + (float)random.NextDouble() * 0.02f).ToArray(), new int[scales], 0, 0, 8);
            var inputs = new List<Value> { x, w };
            var bias = Bias(l, filters, w, x, random);
            if (bias != null)
                inputs.Add(bias);
            var y = Output(l, random);
            var conv = Node("conv", "Conv", inputs.ToArray(), y,
                ("pads", pads.Select(p => (long)p).ToArray()), ("strides", new long[] { spec.StrideH, spec.StrideW }),
                ("dilations", new long[] { spec.DilationH, spec.DilationW }), ("group", 1L));
            conv.Activation = Activation(l);
            return FinishNarrow(g, conv, y, winograd ? WinogradConvImplementation : LowBitConvImplementation, lo, hi, random);
        }

        /// <summary>
        /// A one-row GEMV whose weights span exactly <paramref name="weightBits"/> bits in some row
        /// (each row from its own minimum, its ends at both extremes) and whose activation is declared
        /// <paramref name="activationBits"/> wide (the width the front end proves from a clamp), with
        /// codes over that range and at its ends, zero points at both ends, K rarely a multiple of 64;
        /// forced onto <paramref name="implementation"/>.
        /// </summary>
        private static ModelCase NarrowGemv(string name, string implementation, int weightBits, int activationBits, GemmSpec s, int depth)
        {
            var l = s.Layer;
            var random = new Random(l.Seed);
            var g = new Graph(name, null);
            var type = l.SignedInput ? ElementType.Int8 : ElementType.UInt8;
            var (lo, hi, zero) = NarrowCodes(type, activationBits, l.InputZeroMode, zeroAmongCodes: false, random);
            var a = new Value("x", type, new[] { 1, depth }) { Quant = PerTensor(0.01f + (float)random.NextDouble() * 0.05f, zero, activationBits) };
            g.Inputs.Add(a);
            bool transB = s.TransB && !s.Matmul;
            int columns = s.Columns, span = (1 << weightBits) - 1;
            var wtype = l.WeightType == ElementType.UInt8 ? ElementType.UInt8 : ElementType.Int8;
            int channels = l.PerChannel ? columns : 1;
            // A u8 weight spanning 8 bits centred in s8 needs the zero point 128.
            var zeros = Enumerable.Range(0, channels).Select(_ => wtype == ElementType.UInt8 ? (weightBits == 8 ? 128 : random.Next(100, 156)) : 0).ToArray();
            var t = Tensor.Zeros(wtype, transB ? new[] { columns, depth } : new[] { depth, columns });
            for (int r = 0; r < columns; r++)
            {
                int zw = zeros[l.PerChannel ? r : 0];
                // w - zw in [m, m + span] inside s8 and w inside its type, m at either end for some rows.
                int cLo = Math.Max(-128, (int)wtype.MinValue() - zw), cHi = Math.Min(127, (int)wtype.MaxValue() - zw);
                int m = (r % 3) switch { 0 => cLo, 1 => cHi - span, _ => random.Next(cLo, cHi - span + 1) };
                for (int d = 0; d < depth; d++)
                {
                    int c = d == 0 ? m : d == depth - 1 ? m + span : l.WeightMode == 3 ? m + random.Next(2) * span : m + random.Next(span + 1);
                    t.SetInt64(transB ? r * depth + d : d * columns + r, zw + c);
                }
            }
            var b = Constant("w", t);
            b.Quant = new QuantParams(Enumerable.Range(0, channels).Select(_ => 0.002f + (float)random.NextDouble() * 0.02f).ToArray(), zeros, l.PerChannel ? (transB ? 0 : 1) : 0, 0, 8);
            var inputs = new List<Value> { a, b };
            var bias = s.Matmul ? null : Bias(l, columns, b, a, random);
            if (bias != null)
                inputs.Add(bias);
            var y = Output(l, random);
            var node = s.Matmul
                ? Node("gemm", "MatMul", inputs.ToArray(), y)
                : Node("gemm", "Gemm", inputs.ToArray(), y, ("transB", transB ? 1L : 0L));
            node.Activation = Activation(l);
            return FinishNarrow(g, node, y, implementation, lo, hi, random);
        }

        /// <summary>
        /// A narrow case's graph finished and forced onto <paramref name="implementation"/>, with one
        /// input set of codes over [lo, hi] and one at its ends.
        /// </summary>
        private static ModelCase FinishNarrow(Graph g, Node node, Value y, string implementation, int lo, int hi, Random random)
        {
            g.Nodes.Add(node);
            g.Outputs.Add(y);
            TypeInference.Run(g);
            Verifier.Verify(g, VerifierStage.Optimized);
            var options = new CompileOptions();
            options.StrategyOverrides[node.Name] = implementation;
            var x = g.Inputs[0];
            var uniform = Ints(x.Type, x.Shape, lo, hi, random);
            var extreme = Tensor.Zeros(x.Type, x.Shape);
            for (int i = 0; i < extreme.Length; i++)
                extreme.SetInt64(i, i % 3 == 0 ? lo : hi);
            return new ModelCase(Prefix + g.Name, g, new[] { new[] { uniform }, new[] { extreme } }, options);
        }

        /// <param name="implementation">An implementation to force where it applies (else the cost model picks).</param>
        private static ModelCase Conv(int index, ConvSpec s, string? implementation = null)
        {
            var random = new Random(s.Layer.Seed);
            int c = s.Groups * s.GroupChannels, m = s.Groups * s.GroupFilters;
            // Widen the padding until the window fits the padded input at least once.
            var pads = (int[])s.Pads.Clone();
            while (s.Height + pads[0] + pads[2] < s.DilationH * (s.KernelH - 1) + 1)
                pads[2]++;
            while (s.Width + pads[1] + pads[3] < s.DilationW * (s.KernelW - 1) + 1)
                pads[3]++;
            var g = new Graph($"conv_{index}", null);
            var x = Input(s.Layer, new[] { s.Batch, c, s.Height, s.Width }, random);
            g.Inputs.Add(x);
            var w = Weight(s.Layer, new[] { m, s.GroupChannels, s.KernelH, s.KernelW }, m, 0, random);
            var inputs = new List<Value> { x, w };
            var bias = Bias(s.Layer, m, w, x, random);
            if (bias != null)
                inputs.Add(bias);
            var y = Output(s.Layer, random);
            var conv = Node("conv", "Conv", inputs.ToArray(), y,
                ("pads", pads.Select(p => (long)p).ToArray()), ("strides", new long[] { s.StrideH, s.StrideW }),
                ("dilations", new long[] { s.DilationH, s.DilationW }), ("group", (long)s.Groups));
            conv.Activation = Activation(s.Layer);
            var model = Finish(g, conv, y, s.Layer, random, "qconv_u8s8_c4_exact16_4x64");
            if (implementation != null && ImplementationRegistry.Find(implementation)!.WhyNot(conv, new LayerFacts(g)) == null)
                model.Options.StrategyOverrides[conv.Name] = implementation;
            return model;
        }

        private static ModelCase Gemm(int index, GemmSpec s)
        {
            var random = new Random(s.Layer.Seed);
            var g = new Graph($"gemm_{index}", null);
            var a = Input(s.Layer, new[] { s.Rows, s.Depth }, random);
            g.Inputs.Add(a);
            bool transB = s.TransB && !s.Matmul;
            var b = Weight(s.Layer, transB ? new[] { s.Columns, s.Depth } : new[] { s.Depth, s.Columns }, s.Columns, transB ? 0 : 1, random);
            var inputs = new List<Value> { a, b };
            var bias = s.Matmul ? null : Bias(s.Layer, s.Columns, b, a, random);
            if (bias != null)
                inputs.Add(bias);
            var y = Output(s.Layer, random);
            var node = s.Matmul
                ? Node("gemm", "MatMul", inputs.ToArray(), y)
                : Node("gemm", "Gemm", inputs.ToArray(), y, ("transB", transB ? 1L : 0L));
            if (!s.Matmul && s.Beta != 1f)
                node.Attributes["beta"] = Bitsmith.Compiler.Ir.Attribute.Float(s.Beta);
            node.Activation = Activation(s.Layer);
            return Finish(g, node, y, s.Layer, random, "qgemv_u8s8_16c4_exact16");
        }

        /// <summary>A quantised Add of two activations of one shape: a residual connection (Mul has no quantised form in the IR).</summary>
        private static ModelCase Binary(int index, Layer l, int length)
        {
            var random = new Random(l.Seed);
            var g = new Graph($"binary_{index}", null);
            var a = Input(l, new[] { 1, length }, random);
            var b = Input(l with { SignedInput = !l.SignedInput, InputZeroMode = 2 }, new[] { 1, length }, random);
            b.Name = "x2";
            g.Inputs.Add(a);
            g.Inputs.Add(b);
            var y = Output(l, random);
            var node = Node("binary", "Add", new[] { a, b }, y);
            node.Activation = Activation(l);
            g.Nodes.Add(node);
            g.Outputs.Add(y);
            TypeInference.Run(g);
            Verifier.Verify(g, VerifierStage.Optimized);
            var inputs = g.Inputs.Select(v => Ints(v.Type, v.Shape, (int)v.Type.MinValue(), (int)v.Type.MaxValue(), random)).ToArray();
            return new ModelCase(Prefix + g.Name, g, new[] { inputs }, new CompileOptions());
        }

        private static ModelCase Pool(int index, PoolSpec s)
        {
            var random = new Random(s.Seed);
            var g = new Graph($"maxpool_{index}", null);
            var type = s.Signed ? ElementType.Int8 : ElementType.UInt8;
            // ONNX wants pads smaller than the kernel's extent, and the window inside the padded input.
            int[] pads = s.Pads.Select((p, i) => Math.Min(p, (i % 2 == 0 ? s.KernelH : s.KernelW) - 1)).ToArray();
            int height = Math.Max(s.Height, s.Dilation * (s.KernelH - 1) + 1), width = Math.Max(s.Width, s.Dilation * (s.KernelW - 1) + 1);
            var quant = s.Quantised ? PerTensor(0.01f + (float)random.NextDouble() * 0.05f, random.Next((int)type.MinValue(), (int)type.MaxValue() + 1), 8) : null;
            var x = new Value("x", type, new[] { 1, s.Planes, height, width }) { Quant = quant };
            g.Inputs.Add(x);
            var y = new Value("y", type, Array.Empty<int>()) { Quant = quant };
            var node = Node("pool", "MaxPool", new[] { x }, y, ("kernel_shape", new long[] { s.KernelH, s.KernelW }),
                ("strides", new long[] { s.Stride, s.Stride }), ("dilations", new long[] { s.Dilation, s.Dilation }),
                ("pads", pads.Select(p => (long)p).ToArray()), ("ceil_mode", s.CeilMode ? 1L : 0L));
            g.Nodes.Add(node);
            g.Outputs.Add(y);
            TypeInference.Run(g);
            y.Type = type;
            y.Quant = quant;
            Verifier.Verify(g, VerifierStage.Optimized);
            var inputs = new[] { Ints(type, x.Shape, (int)type.MinValue(), (int)type.MaxValue(), random) };
            return new ModelCase(Prefix + g.Name, g, new[] { inputs }, new CompileOptions());
        }

        /// <summary>A GlobalAveragePool of 8-bit codes to float (the pool's spec gives the sizes, types and seed).</summary>
        private static ModelCase GlobalAverage(int index, PoolSpec s)
        {
            var random = new Random(s.Seed);
            var g = new Graph($"global_average_{index}", null);
            var type = s.Signed ? ElementType.Int8 : ElementType.UInt8;
            var x = new Value("x", type, new[] { 1 + index % 2, s.Planes, s.Height, s.Width })
            {
                Quant = PerTensor((float)(random.NextDouble() * 0.1 + 1e-3), random.Next((int)type.MinValue(), (int)type.MaxValue() + 1), 8),
            };
            g.Inputs.Add(x);
            var y = new Value("y", ElementType.Float32, Array.Empty<int>());
            g.Nodes.Add(Node("average", "GlobalAveragePool", new[] { x }, y));
            g.Outputs.Add(y);
            TypeInference.Run(g);
            Verifier.Verify(g, VerifierStage.Optimized);
            var inputs = new[] { Ints(type, x.Shape, (int)type.MinValue(), (int)type.MaxValue(), random) };
            return new ModelCase(Prefix + g.Name, g, new[] { inputs }, new CompileOptions());
        }

        private static Value Input(Layer l, int[] shape, Random random)
        {
            var type = l.SignedInput ? ElementType.Int8 : ElementType.UInt8;
            int lo = (int)type.MinValue(), hi = (int)type.MaxValue();
            int zero = l.InputZeroMode switch { 0 => lo, 1 => hi, _ => random.Next(lo, hi + 1) };
            return new Value("x", type, shape) { Quant = PerTensor(0.01f + (float)random.NextDouble() * 0.05f, zero, 8) };
        }

        /// <summary>Weights: the type's full range, a range the byte-pair proof accepts, all one value, or the extremes only.</summary>
        private static Value Weight(Layer l, int[] shape, int channels, int axis, Random random)
        {
            var type = l.WeightType;
            int lo = (int)type.MinValue(), hi = (int)type.MaxValue();
            int n = l.PerChannel ? channels : 1;
            // Zero points keep w - zw inside s8 (the kernels' condition); u8 weights centre around theirs.
            var zeros = Enumerable.Range(0, n).Select(_ => type == ElementType.UInt8 ? random.Next(100, 156) : type == ElementType.UInt4 ? random.Next(0, 16) : 0).ToArray();
            var t = Tensor.Zeros(type, shape);
            int equal = random.Next(lo, hi + 1);
            int perChannel = Shape.Size(shape) / channels;
            for (int i = 0; i < t.Length; i++)
            {
                int ch = axis == 0 ? i / perChannel : i % channels;
                int zw = zeros[l.PerChannel ? ch : 0];
                int wlo = Math.Max(lo, zw - 128), whi = Math.Min(hi, zw + 127);
                int v = l.WeightMode switch
                {
                    0 => random.Next(wlo, whi + 1),
                    1 => Math.Clamp(zw + random.Next(-60, 61), wlo, whi),
                    2 => Math.Clamp(equal, wlo, whi),
                    _ => random.Next(2) == 0 ? wlo : whi,
                };
                t.SetInt64(i, v);
            }
            var w = Constant("w", t);
            w.Quant = new QuantParams(Enumerable.Range(0, n).Select(_ => 0.002f + (float)random.NextDouble() * 0.02f).ToArray(), zeros, l.PerChannel ? axis : 0, 0, type.Bits());
            return w;
        }

        private static Value? Bias(Layer l, int channels, Value w, Value x, Random random)
        {
            switch (l.BiasMode)
            {
                case 0:
                    return null;
                case 1:
                    return Constant("b", Tensor.FromFloats(new[] { channels }, Enumerable.Range(0, channels).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()));
                default:
                    var b = Constant("b", Ints(ElementType.Int32, new[] { channels }, -5000, 5000, random));
                    b.Quant = new QuantParams(Enumerable.Range(0, channels).Select(i => x.Quant!.Scale[0] * w.Quant!.Scale[w.Quant.Scale.Length == 1 ? 0 : i]).ToArray(), new int[channels], 0, 0, 32);
                    return b;
            }
        }

        private static Value Output(Layer l, Random random) => l.OutputMode switch
        {
            0 => new Value("y", ElementType.Float32, Array.Empty<int>()),
            1 => new Value("y", ElementType.UInt8, Array.Empty<int>()) { Quant = PerTensor(0.02f + (float)random.NextDouble() * 0.1f, random.Next(0, 256), 8) },
            _ => new Value("y", ElementType.Int8, Array.Empty<int>()) { Quant = PerTensor(0.02f + (float)random.NextDouble() * 0.1f, random.Next(-128, 128), 8) },
        };

        private static FusedActivation? Activation(Layer l) => l.ActivationMode switch
        {
            0 => null,
            1 => new FusedActivation(ActivationKind.Relu),
            2 => new FusedActivation(ActivationKind.Clip, -0.5f, 1.5f),
            _ => new FusedActivation(ActivationKind.HardSwish),
        };

        private static ModelCase Finish(Graph g, Node node, Value y, Layer l, Random random, string exact)
        {
            g.Nodes.Add(node);
            g.Outputs.Add(y);
            TypeInference.Run(g);
            Verifier.Verify(g, VerifierStage.Optimized);
            var options = new CompileOptions();
            if (l.ForceExact)
                options.StrategyOverrides[node.Name] = exact;
            // One input set over the whole range, one at its ends.
            var x = g.Inputs[0];
            var uniform = Ints(x.Type, x.Shape, (int)x.Type.MinValue(), (int)x.Type.MaxValue(), random);
            var extreme = Tensor.Zeros(x.Type, x.Shape);
            for (int i = 0; i < extreme.Length; i++)
                extreme.SetInt64(i, i % 3 == 0 ? x.Type.MinValue() : x.Type.MaxValue());
            return new ModelCase(Prefix + g.Name, g, new[] { new[] { uniform }, new[] { extreme } }, options);
        }
    }
}
