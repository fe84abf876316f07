using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Emit.Layers;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Lowering.Implementations.Float32
{
    /// <summary>
    /// A float 1-D or 2-D Conv (any kernel, stride, dilation, padding and groups) on
    /// <c>Runtime.Kernels.Float32</c>: per group and block of output rows, <c>Im2Col</c> lays the
    /// input taps out in the workspace as the B operand (one row per (channel, ky, kx), one
    /// column per output pixel), and <c>Sgemm</c> multiplies the group's weights by it, 8 output
    /// channels × 32 pixels per register tile, writing NCHW rows straight into the output with
    /// the bias (per output channel) and the activation. The weights are read as stored: ONNX's
    /// <c>[M, C/group, kh, kw]</c> is already the row-major A the kernel broadcasts from.
    /// </summary>
    public sealed class SconvImplementation : LayerImplementation
    {
        /// <summary>
        /// The im2col block is kept near this many floats (512 KB, half an L2). Measured on the 3x3
        /// conv 64→64 at 56x56 (depth 576): blocks of 1, 2, 4, 8, 16 and 56 rows took 1586, 1598,
        /// 1398, 1417, 1385 and 1704 µs; 4 rows is this size.
        /// </summary>
        private const int BlockFloats = 128 * 1024;

        /// <summary>At least this many pixels a block where the map allows (small maps: whole panels, not one partial one).</summary>
        private const int MinimumBlockPixels = 2 * SgemmImplementation.PanelWidth;

        public override string Name => "sconv_f32_8x32";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "Conv")
                return "not a Conv";
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            var problem = Float32Operands.Problem(node, x, w, node.Input(2));
            if (problem != null)
                return problem;
            if (x.Rank != 3 && x.Rank != 4)
                return "only 1-D and 2-D convolutions";
            return null;
        }

        public override string Describe(Node node) =>
            "f32 conv as im2col blocks of output rows times the weights, register tiles of 8 output channels x 32 pixels (512-bit; 4 x 16 at 256, 4 x 8 at 128), bias and activation in the epilogue";

        public override double EstimatedNanoseconds(Node node)
        {
            var s = Sizes.Of(node);
            long blocks = (s.OutHeight + s.RowsPerBlock - 1) / s.RowsPerBlock;
            long calls = (long)s.Batch * s.Groups * blocks;
            long pixels = (long)s.OutHeight * s.OutWidth;
            long paddedPixels = Math.Min(blocks * s.Ldb, pixels + blocks * (SgemmImplementation.PanelWidth - 1));
            long tiledRows = s.GroupFilters - s.GroupFilters % 4;
            // Measured here: ~100 G MAC/s in tiles of 4 or 8 channels, ~35 for single ones; im2col ~0.1 ns a value written.
            double macs = (double)s.Batch * s.Groups * paddedPixels * s.Depth * (tiledRows / 80.0 + s.GroupFilters % 4 / 30.0);
            double im2col = (double)s.Batch * s.Groups * s.Depth * blocks * s.Ldb * 0.1;
            return macs + im2col + calls * 100 + 50;
        }

        public override IEnumerable<PlanAttribute> Lower(Node node) => ConvEmitter.Lowered(node, node.Inputs[0]!, node.Inputs[1]!);

        public override bool ReplacesInput(Node node, int input) => input == 2;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            int m = node.Inputs[1]!.Shape[0];
            var layout = new Float32Vector(m);
            var biases = Int8.Int8Operands.Biases(node.Input(2), m, 1).Select(v => (float)v).ToArray();
            return new[] { new PackedConstant("biases", layout, layout.Pack(biases)) };
        }

        public override long WorkspaceBytes(Node node)
        {
            var s = Sizes.Of(node);
            return 4L * s.Depth * s.Ldb;
        }

        /// <summary>One image, one group, several blocks of output rows: each block packs its own columns and multiplies them, on any thread.</summary>
        public override TileSplit? Split(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var win = loops.Window;
            if (loops.Batch != 1 || loops.Groups != 1 || win.Input.Length != 2)
                return null;
            var s = Sizes.Compute(1, 1, loops.GroupFilters, loops.GroupChannels * win.KernelSize, win.Output[0], win.Output[1]);
            int blocks = (s.OutHeight + s.RowsPerBlock - 1) / s.RowsPerBlock;
            return blocks > 1 ? new TileSplit(blocks, 0, 4L * s.Depth * s.Ldb) : null;
        }

        public override void Emit(LayerContext c)
        {
            if (!c.EmitsTiles)
                return;
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var win = loops.Window;
            bool twoD = win.Input.Length == 2;
            int height = twoD ? win.Input[0] : 1, width = win.Input[win.Input.Length - 1];
            int outHeight = twoD ? win.Output[0] : 1, outWidth = win.Output[win.Output.Length - 1];
            int depth = loops.GroupChannels * win.KernelSize;
            var s = Sizes.Compute(loops.Batch, loops.Groups, loops.GroupFilters, depth, outHeight, outWidth);
            int inPlane = height * width, outPlane = outHeight * outWidth;
            string M = RuntimeNames.Marshal, F = RuntimeNames.Float32;

            string biases = c.Local("biases"), columns = c.Local("columns");
            c.W.Line($"var {biases} = {M}.Cast<byte, float>({c.Packed("biases")});");
            c.W.Line($"var {columns} = {M}.Cast<byte, float>({(c.Part == LayerPart.Tiles ? c.TileWorkspace : c.Workspace)});");
            using var batch = Affine.Loop(c, "b", loops.Batch);
            using var group = Affine.Loop(c, "g", loops.Groups);
            string b = batch.Index, g = group.Index;
            // One block of all output rows, or a loop over blocks whose last may be shorter.
            string y0 = "0", rows = CSharp.Int(outHeight), pixels = CSharp.Int((long)outHeight * outWidth);
            IDisposable? blockLoop = null;
            if (c.Part == LayerPart.Tiles)
            {
                // Tiles [start, end) are the blocks of output rows.
                string block = c.Local("block");
                blockLoop = c.W.Block($"for (int {block} = {c.TileStart}; {block} < {c.TileEnd}; {block}++)");
                y0 = c.Local("y0");
                rows = c.Local("rows");
                c.W.Line($"int {y0} = {block} * {s.RowsPerBlock}, {rows} = {RuntimeNames.Math}.Min({s.RowsPerBlock}, {outHeight} - {y0});");
                pixels = Affine.Term(rows, outWidth);
            }
            else if (s.RowsPerBlock < outHeight)
            {
                y0 = c.Local("y0");
                blockLoop = c.W.Block($"for (int {y0} = 0; {y0} < {outHeight}; {y0} += {s.RowsPerBlock})");
                rows = CSharp.Int(s.RowsPerBlock);
                pixels = CSharp.Int((long)s.RowsPerBlock * outWidth);
                if (outHeight % s.RowsPerBlock != 0)
                {
                    rows = c.Local("rows");
                    c.W.Line($"int {rows} = {RuntimeNames.Math}.Min({s.RowsPerBlock}, {outHeight} - {y0});");
                    pixels = Affine.Term(rows, outWidth);
                }
            }
            string input = loops.Batch == 1 && loops.Groups == 1 ? c.InName(0)
                : $"{c.InName(0)}.Slice({Affine.Product(Affine.Sum2(Affine.Term(b, loops.Channels), Affine.Term(g, loops.GroupChannels)), inPlane)}, {CSharp.Int((long)loops.GroupChannels * inPlane)})";
            c.W.Line($"{F}.Im2Col.Pack(x: {input}, channels: {loops.GroupChannels}, height: {height}, width: {width}, " +
                $"kernelH: {(twoD ? win.Kernel[0] : 1)}, kernelW: {win.Kernel[win.Kernel.Length - 1]}, strideH: {(twoD ? win.Strides[0] : 1)}, strideW: {win.Strides[win.Strides.Length - 1]}, " +
                $"dilationH: {(twoD ? win.Dilations[0] : 1)}, dilationW: {win.Dilations[win.Dilations.Length - 1]}, padTop: {(twoD ? win.PadBegin[0] : 0)}, padLeft: {win.PadBegin[win.PadBegin.Length - 1]}, " +
                $"outWidth: {outWidth}, firstRow: {y0}, rows: {rows}, columns: {columns}, ldb: {s.Ldb});");
            string weights = loops.Groups == 1 ? c.InName(1) : $"{c.InName(1)}.Slice({Affine.Term(g, (long)loops.GroupFilters * depth)}, {CSharp.Int((long)loops.GroupFilters * depth)})";
            string bias = loops.Groups == 1 ? biases : $"{biases}.Slice({Affine.Term(g, loops.GroupFilters)}, {loops.GroupFilters})";
            string firstChannel = Affine.Sum2(Affine.Term(b, loops.Filters), Affine.Term(g, loops.GroupFilters));
            string outputStart = Affine.Sum2(Affine.Product(firstChannel, outPlane), Affine.Term(y0, outWidth));
            string output = outputStart == "0" ? c.OutName(0) : $"{c.OutName(0)}.Slice({outputStart})";
            c.W.Line($"{F}.Sgemm.Multiply<{F}.BiasPerRow, {KernelEpilogue.ActivationType(c.Step.Activation)}>(a: {weights}, lda: {depth}, rows: {loops.GroupFilters}, depth: {depth}, " +
                $"b: {columns}, ldb: {s.Ldb}, panelStride: {SgemmImplementation.PanelWidth}, columns: {pixels}, bias: {bias}, act: {KernelEpilogue.Activation(c.Step.Activation)}, c: {output}, ldc: {outPlane});");
            blockLoop?.Dispose();
        }

        /// <summary>The sizes emission and the workspace share: the depth of the product and the im2col blocking.</summary>
        private sealed record Sizes(int Batch, int Groups, int GroupFilters, int Depth, int OutHeight, int OutWidth, int RowsPerBlock, int Ldb)
        {
            public static Sizes Of(Node node)
            {
                Value x = node.Inputs[0]!, w = node.Inputs[1]!;
                ConvArithmetic.Infer(node, x, w, out int[] y);
                int groups = (int)node.GetInt("group", 1);
                int depth = Shape.Size(w.Shape) / Math.Max(1, w.Shape[0]);
                return Compute(x.Shape[0], groups, w.Shape[0] / groups, depth, y.Length == 4 ? y[2] : 1, y[y.Length - 1]);
            }

            /// <summary>Whole output rows per block: as many as keep the block near <see cref="BlockFloats"/>, and <see cref="MinimumBlockPixels"/> at least.</summary>
            public static Sizes Compute(int batch, int groups, int groupFilters, int depth, int outHeight, int outWidth)
            {
                long byBudget = BlockFloats / Math.Max(1L, (long)depth * outWidth);
                long byPixels = (MinimumBlockPixels + outWidth - 1) / Math.Max(1, outWidth);
                int rows = (int)Math.Max(1, Math.Min(outHeight, Math.Max(byBudget, byPixels)));
                int ldb = (rows * outWidth + SgemmImplementation.PanelWidth - 1) / SgemmImplementation.PanelWidth * SgemmImplementation.PanelWidth;
                return new Sizes(batch, groups, groupFilters, depth, outHeight, outWidth, rows, ldb);
            }
        }
    }
}
