using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Emit.Layers;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Lowering.Implementations.Int8
{
    /// <summary>
    /// A quantised Conv (group 1, any kernel, stride, dilation and padding) as a matrix product
    /// with output channels in the vector lanes, on <c>Runtime.Kernels.Int8.GemmKernel</c>: the
    /// input transposed once to padded channels-last words, each output pixel's row gathered
    /// tap by tap (im2col, <c>PatchPacker</c>), four pixels sharing each weight load, the weights
    /// packed tap-major as for the GEMV (<see cref="C4Blocks16"/>). Where a feature map is small
    /// (the late layers: 6x6, 4x4, 3x3) this fills the lanes that a tile of pixels would leave
    /// empty; each pixel's channels are requantised together, then scattered to NCHW.
    /// With 1 to 3 input channels the rows are compact: a kernel row's taps back to back in
    /// bytes, rounded up to a word (a first conv on one channel with a 10x4 kernel: 10 words a
    /// row where a word a tap would take 40).
    /// </summary>
    public sealed class QConvRowsImplementation : LayerImplementation
    {
        private readonly bool _exact;

        public QConvRowsImplementation(bool exact) => _exact = exact;

        public override string Name => _exact ? "qconv_u8s8_rows_4x16c4_exact16" : "qconv_u8s8_rows_4x16c4";

        private string Dot => _exact ? "WordPairs" : "BytePairs";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            var problem = Int8Operands.ConvProblem(node, grouped: false);
            if (problem != null)
                return problem;
            var ops = Operands(node, out string whyNot);
            if (ops == null)
                return whyNot;
            // A packed word holds four channels of one tap: channels 2j and 2j+1 pair (a lone last channel pairs with the fill).
            var g = GeometryOf(node);
            if (!_exact && !ops.BytePairsCannotSaturate(d => PairOf(d, g)))
                return "some weight pair can saturate vpmaddubsw's int16 (the exact form applies)";
            return null;
        }

        public override string Describe(Node node) => _exact
            ? "int8 conv as a matrix product (im2col rows), output channels in lanes, 4 pixels x 16 channels a tile, exact 16-bit pairs (vpdpbusd with AVX-VNNI)"
            : "int8 conv as a matrix product (im2col rows), output channels in lanes, 4 pixels x 16 channels a tile, byte pairs (vpmaddubsw, proven not to saturate; vpdpbusd with AVX-VNNI)";

        public override double EstimatedNanoseconds(Node node)
        {
            var g = GeometryOf(node);
            long batch = node.Inputs[0]!.Shape[0];
            long paddedMacs = batch * g.Pixels * ((g.Filters + 15) / 16 * 16) * g.RowWords * 4L;
            // ~110 G MAC/s with four rows a weight load (90 exact); transposing ~0.7 ns an input byte,
            // the row copies (a span copy a tap, ~10 ns; a few words a compact kernel row, ~2 ns),
            // and the epilogue ~0.2 ns an output in single precision (with the exact form's scatter ~0.8).
            double copy = g.Compact ? 2 + g.KernelRowWords * 0.3 : 10 + g.Quads * 0.1;
            double epilogue = FastRequantization.Applies(node.Outputs[0], node.Activation) ? 0.2 : 0.8;
            return paddedMacs / (_exact ? 90.0 : 110.0) + batch * ((double)g.Channels * g.Height * g.Width * 0.7 + g.Pixels * g.Copies * copy
                + (double)g.Pixels * g.Filters * epilogue + g.Pixels * 30) + 150;
        }

        public override IEnumerable<PlanAttribute> Lower(Node node) => ConvEmitter.Lowered(node, node.Inputs[0]!, node.Inputs[1]!);

        public override bool ReplacesInput(Node node, int input) => input == 1 || input == 2;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            var ops = Operands(node, out string why) ?? throw node.Error("internal: " + why);
            var g = GeometryOf(node);
            int n = ops.Rows, depth = g.RowWords * 4;
            // The rows' order (RowsGeometry.PositionOf); fill positions stay 0.
            var centered = new int[n * depth];
            for (int o = 0; o < n; o++)
                for (int d = 0; d < ops.Depth; d++)
                    centered[o * depth + g.PositionOf[d]] = ops.Centered[o * ops.Depth + d];
            var weights = new C4Blocks16(n, depth);
            var ints = new Int32Vector(n);
            var biases = Int8Operands.Biases(node.Input(2), n, 1).Select(v => v == 0 ? 0.0 : v).ToArray();
            return new[]
            {
                new PackedConstant("weights", weights, weights.Pack(centered)),
                new PackedConstant("offsets", ints, ints.Pack(ops.Offsets)),
            }.Concat(ops.PackLanesEpilogue(biases, ops.FastRequantization(node.Outputs[0], biases, node.Activation))).ToArray();
        }

        public override long WorkspaceBytes(Node node)
        {
            var g = GeometryOf(node);
            return PlaneBytes(g) + RowBytes(g) + AccBytes(g) + PixelEpilogue.LineBytes(node.Outputs[0].Type, g.Filters);
        }

        private static long PlaneBytes(RowsGeometry g) => g.Compact
            ? ((long)g.PlaneHeight * g.PlaneWidth * g.Channels + 4 + 63) / 64 * 64 // + the slack a rounded last copy reads
            : (4L * g.PlaneHeight * g.PlaneWidth * g.Quads + 63) / 64 * 64;

        private static long RowBytes(RowsGeometry g) => (4L * g.Pixels * g.RowWords + 63) / 64 * 64;

        private static long AccBytes(RowsGeometry g) => 4L * g.Pixels * ((g.Filters + 15) / 16 * 16);

        /// <summary>Pixels a tile computes: the kernel's register tile.</summary>
        private const int PixelsPerTile = 4;

        /// <summary>
        /// One image: its rows are gathered once; then tiles of 4 pixels (all channels, each thread
        /// with its own sums and line), or, where the weights outweigh the rows (few pixels, many
        /// channels: each thread would read all the weights), tiles of 16 output channels (a block
        /// of the weights; the sums shared, each thread its own line).
        /// </summary>
        public override TileSplit? Split(LayerContext c)
        {
            var g = GeometryOf(c);
            if (c.InShape(0)[0] != 1)
                return null;
            long lineBytes = PixelEpilogue.LineBytes(c.Out(0).Type, g.Filters);
            return SplitsChannels(g)
                ? new TileSplit((g.Filters + 15) / 16, PlaneBytes(g) + RowBytes(g) + AccBytes(g), lineBytes)
                : new TileSplit((g.Pixels + PixelsPerTile - 1) / PixelsPerTile, PlaneBytes(g) + RowBytes(g), AccBytes(g) + lineBytes);
        }

        /// <summary>Whether threads split the output channels: the weights are larger than the rows.</summary>
        private static bool SplitsChannels(RowsGeometry g) => (g.Filters + 15) / 16 * 16 > g.Pixels;

        public override void Emit(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var win = loops.Window;
            var g = GeometryOf(c);
            var x = c.In(0);
            bool tiled = loops.Batch == 1;
            int blocks = (g.Filters + 15) / 16;
            bool signed = x.Type == ElementType.Int8 || x.Type == ElementType.Int4;
            int zx = x.Quant!.ZeroPoint[0] + (signed ? 128 : 0);
            string M = RuntimeNames.Marshal, K8 = RuntimeNames.Int8;
            long planeBytes = PlaneBytes(g), rowBytes = RowBytes(g), accBytes = AccBytes(g), lineBytes = PixelEpilogue.LineBytes(c.Out(0).Type, g.Filters);
            string rows = c.Local("rows");
            c.W.Line($"var {rows} = {M}.Cast<byte, int>({c.Workspace}.Slice({CSharp.Int(planeBytes)}, {CSharp.Int(rowBytes)}));");

            void Gather(string batchIndex)
            {
                string plane = c.Local("plane"), taps = c.Local("taps");
                string planeSlice = $"{c.Workspace}.Slice(0, {CSharp.Int(planeBytes)})";
                c.W.Line($"var {plane} = {(g.Compact ? planeSlice : $"{M}.Cast<byte, int>({planeSlice})")};");
                string input = signed ? $"{M}.Cast<sbyte, byte>({c.InName(0)})" : c.InName(0);
                int inImage = g.Channels * g.Height * g.Width;
                string image = $"{(batchIndex == "0" && loops.Batch == 1 ? input : $"{input}.Slice({Affine.Term(batchIndex, inImage)}, {inImage})")}, {g.Channels}, {g.Height}, {g.Width}, " +
                    $"{win.PadBegin[0]}, {win.PadBegin[1]}, {g.PlaneHeight}, {g.PlaneWidth}, {zx}, {(signed ? "0x80" : "0")}, {plane}";
                if (g.Compact)
                {
                    c.W.Line($"{K8}.PatchPacker.TransposeBytes({image});");
                    c.W.Line($"{K8}.PatchPacker.GatherKernelRows({plane}, {g.Channels}, {g.PlaneWidth}, {win.Kernel[0]}, {win.Dilations[0]}, {g.KernelRowWords}, " +
                        $"{g.OutHeight}, {g.OutWidth}, {win.Strides[0]}, {win.Strides[1]}, {rows});");
                }
                else
                {
                    c.W.Line($"{RuntimeNames.ReadOnlySpan}<int> {taps} = {CSharp.IntArray(g.TapOffsets)};");
                    c.W.Line($"{K8}.PatchPacker.Transpose({image});");
                    c.W.Line($"{K8}.PatchPacker.Gather({plane}, {g.Quads}, {g.PlaneWidth}, {taps}, {g.OutHeight}, {g.OutWidth}, {win.Strides[0]}, {win.Strides[1]}, {rows});");
                }
            }

            if (c.EmitsPrologue && tiled)
            {
                Gather("0");
                if (!c.EmitsTiles)
                    return;
            }
            string w = c.Local("w"), offsets = c.Local("offsets"), scales = c.Local("scales"), biases = c.Local("biases"), acc = c.Local("acc");
            c.W.Line($"var {w} = {M}.Cast<byte, sbyte>({c.Packed("weights")});");
            c.W.Line($"var {offsets} = {M}.Cast<byte, int>({c.Packed("offsets")});");
            c.W.Line($"var {scales} = {M}.Cast<byte, double>({c.Packed("scales")});");
            c.W.Line($"var {biases} = {M}.Cast<byte, double>({c.Packed("biases")});");
            bool channelTiles = tiled && SplitsChannels(g);
            string own = tiled && !channelTiles ? c.TileWorkspace : $"{c.Workspace}.Slice({CSharp.Int(planeBytes + rowBytes)})";
            c.W.Line($"var {acc} = {M}.Cast<byte, int>({own}.Slice(0, {CSharp.Int(accBytes)}));");
            string line = channelTiles ? c.TileWorkspace : $"{own}.Slice({CSharp.Int(accBytes)}, {CSharp.Int(lineBytes)})";
            using var batch = Affine.Loop(c, "b", loops.Batch);
            if (!tiled)
                Gather(batch.Index);
            if (c.Part == LayerPart.Tiles && channelTiles)
            {
                // Tiles [start, end) are blocks of 16 output channels, [n0, n1).
                string n0 = c.Local("n0"), n1 = c.Local("n1");
                c.W.Line($"int {n0} = {c.TileStart} * 16, {n1} = {RuntimeNames.Math}.Min({c.TileEnd} * 16, {g.Filters});");
                c.W.Line($"{K8}.GemmKernel.Accumulate<{K8}.{Dot}>({rows}, {g.RowWords}, {g.Pixels}, {w}.Slice({c.TileStart} * {g.RowWords * 64}), {c.TileEnd} - {c.TileStart}, {acc}.Slice({n0}), {blocks * 16});");
                PixelEpilogue.Emit(c, line, acc, blocks * 16, g.Filters, g.Pixels, batch.Index, offsets, scales, biases, firstChannel: n0, endChannel: n1);
                return;
            }
            if (c.Part == LayerPart.Tiles)
            {
                // Tiles [start, end) are pixels [p0, p1).
                string p0 = c.Local("p0"), p1 = c.Local("p1");
                c.W.Line($"int {p0} = {c.TileStart} * {PixelsPerTile}, {p1} = {RuntimeNames.Math}.Min({c.TileEnd} * {PixelsPerTile}, {g.Pixels});");
                c.W.Line($"{K8}.GemmKernel.Accumulate<{K8}.{Dot}>({rows}.Slice({p0} * {g.RowWords}), {g.RowWords}, {p1} - {p0}, {w}, {blocks}, {acc}, {blocks * 16});");
                PixelEpilogue.Emit(c, line, acc, blocks * 16, g.Filters, g.Pixels, batch.Index, offsets, scales, biases, p0, p1);
                return;
            }
            c.W.Line($"{K8}.GemmKernel.Accumulate<{K8}.{Dot}>({rows}, {g.RowWords}, {g.Pixels}, {w}, {blocks}, {acc}, {blocks * 16});");
            PixelEpilogue.Emit(c, line, acc, blocks * 16, g.Filters, g.Pixels, batch.Index, offsets, scales, biases);
        }

        private static RowsGeometry GeometryOf(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var win = loops.Window;
            return new RowsGeometry(loops.Channels, loops.Filters, win.Input[0], win.Input[1], win.Kernel, win.Strides, win.Dilations, win.PadBegin, win.PadEnd, win.Output[0], win.Output[1]);
        }

        /// <summary>
        /// The partner of ONNX depth index <paramref name="d"/> (<c>c · taps + t</c>) in a byte pair of
        /// the packed rows (the depth index at position <c>position ^ 1</c>; -1 where that is fill).
        /// </summary>
        private static int PairOf(int d, RowsGeometry g) => g.DepthAt[g.PositionOf[d] ^ 1];

        private static RowsGeometry GeometryOf(Node node)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            var win = ConvArithmetic.Infer(node, x, w, out int[] y);
            return new RowsGeometry(x.Shape[1], w.Shape[0], x.Shape[2], x.Shape[3], win.Kernel, win.Strides, win.Dilations, win.PadBegin, win.PadEnd, y[2], y[3]);
        }

        /// <summary>The weights as [output channel][ONNX depth <c>c · taps + t</c>]; <see cref="Pack"/> reorders them tap-major.</summary>
        private static Int8Operands? Operands(Node node, out string whyNot)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            int rows = w.Shape[0], depth = Shape.Size(w.Shape) / rows;
            return Int8Operands.Analyse(x, w, rows, depth, (r, d) => r * depth + d, out whyNot);
        }

        /// <summary>The padded channels-last plane and the rows: taps in plane pixels, kernel row-major.</summary>
        private sealed class RowsGeometry
        {
            public RowsGeometry(int channels, int filters, int height, int width, int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd, int outHeight, int outWidth)
            {
                Channels = channels;
                Filters = filters;
                Height = height;
                Width = width;
                OutHeight = outHeight;
                OutWidth = outWidth;
                Quads = (channels + 3) / 4;
                PlaneHeight = height + padBegin[0] + padEnd[0];
                PlaneWidth = width + padBegin[1] + padEnd[1];
                Taps = kernel[0] * kernel[1];
                TapOffsets = new int[Taps];
                for (int ky = 0; ky < kernel[0]; ky++)
                    for (int kx = 0; kx < kernel[1]; kx++)
                        TapOffsets[ky * kernel[1] + kx] = ky * dilations[0] * PlaneWidth + kx * dilations[1];
                KernelRowWords = (kernel[1] * channels + 3) / 4;
                Compact = channels < 4 && dilations[1] == 1 && kernel[0] * KernelRowWords < Taps * Quads;
                RowWords = Compact ? kernel[0] * KernelRowWords : Taps * Quads;
                Copies = Compact ? kernel[0] : Taps;
                PositionOf = new int[channels * Taps];
                DepthAt = Enumerable.Repeat(-1, RowWords * 4).ToArray();
                for (int c = 0; c < channels; c++)
                    for (int t = 0; t < Taps; t++)
                    {
                        int ky = t / kernel[1], kx = t % kernel[1];
                        int position = Compact ? ky * 4 * KernelRowWords + kx * channels + c : t * 4 * Quads + c;
                        PositionOf[c * Taps + t] = position;
                        DepthAt[position] = c * Taps + t;
                    }
            }

            /// <summary>Kernel rows copied whole (bytes, channels innermost) in place of a word per tap.</summary>
            public bool Compact { get; }

            /// <summary>Words of a compact kernel row.</summary>
            public int KernelRowWords { get; }

            /// <summary>Copies into each row: one per tap, or one per kernel row where compact.</summary>
            public int Copies { get; }

            /// <summary>Where ONNX depth index <c>c · taps + t</c> lies in a packed row (in bytes).</summary>
            public int[] PositionOf { get; }

            /// <summary>The inverse of <see cref="PositionOf"/>: -1 at the fill.</summary>
            public int[] DepthAt { get; }

            public int Channels { get; }

            public int Filters { get; }

            public int Height { get; }

            public int Width { get; }

            public int OutHeight { get; }

            public int OutWidth { get; }

            public int Pixels => OutHeight * OutWidth;

            public int Quads { get; }

            public int PlaneHeight { get; }

            public int PlaneWidth { get; }

            public int Taps { get; }

            public int[] TapOffsets { get; }

            /// <summary>Words of one pixel's row: every tap's channel words, or the compact kernel rows.</summary>
            public int RowWords { get; }
        }
    }
}
