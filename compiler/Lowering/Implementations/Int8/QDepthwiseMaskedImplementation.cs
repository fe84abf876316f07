using System;
using System.Linq;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Emit.Layers;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Lowering.Implementations.Int8
{
    /// <summary>
    /// A quantised depthwise Conv of stride 1 whose output is no wider than its input, on
    /// <c>DepthwiseKernel.AccumulateMasked</c>: each channel is converted to <c>x - zx</c> floats
    /// with its rows back to back (one contiguous, vectorised pass: no padding columns to fill),
    /// only the padding rows above and below stay zero, and a tap that would reach across a
    /// row's edge is masked off per lane. Outputs are computed at the input's row pitch, so a
    /// "same" convolution's output rows are contiguous and its epilogue is one run per channel.
    /// Same weights, proofs and exactness as <see cref="QDepthwiseImplementation"/>.
    /// </summary>
    public sealed class QDepthwiseMaskedImplementation : QDepthwiseImplementation
    {
        /// <summary>Outputs per kernel call: the sums and the masks of one call stay in L1.</summary>
        private const int MaxOutputsPerCall = 1024;

        public override string Name => "qdwconv_u8s8_f32fma_masked16";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            string? whyNot = base.WhyNot(node, facts);
            if (whyNot != null)
                return whyNot;
            var g = PlaneOf(node);
            if (g.StrideH != 1 || g.StrideW != 1)
                return "strided (rows at the input's pitch need stride 1)";
            if (g.OutWidth > g.InWidth)
                return "the output is wider than the input";
            return null;
        }

        public override string Describe(Node node) => "int8 depthwise conv, stride 1, each channel's rows back to back with edge taps masked, exact float FMA over 16 output positions";

        public override double EstimatedNanoseconds(Node node)
        {
            var g = PlaneOf(node);
            long channels = (long)node.Inputs[0]!.Shape[0] * node.Outputs[0].Shape[1];
            long lanes = channels * Count(g.OutHeight, g.InWidth) * g.Taps;
            // ~40 G MAC/s of 512-bit FMA with the mask AND; conversion ~0.1 ns an input; epilogue ~0.3 ns an output;
            // ~50 ns of calls a channel (the per-layer profile: ~68 ns a 6x6 channel in all).
            return lanes / 40.0 + Shape.Size(node.Inputs[0]!.Shape) * 0.1 + Shape.Size(node.Outputs[0].Shape) * 0.3 + channels * 50 + 200;
        }

        protected override int[] TapOrder(Node node) => PlaneOf(node).TapOrder;

        public override long WorkspaceBytes(Node node)
        {
            var g = PlaneOf(node);
            return PlaneBytes(g) + MaskBytes(g) + 4L * CountPerCall(g);
        }

        /// <summary>
        /// One image: the column masks are made once; a tile is one output channel (an input
        /// channel and one of its filters), and a range of tiles converts each input channel it
        /// meets into a plane of its own.
        /// </summary>
        public override TileSplit? Split(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            if (loops.Batch != 1)
                return null;
            var g = PlaneOf(loops);
            return new TileSplit(loops.Filters, MaskBytes(g), PlaneBytes(g) + 4L * CountPerCall(g));
        }

        public override void Emit(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var g = PlaneOf(loops);
            var x = c.In(0);
            bool signed = x.Type == ElementType.Int8 || x.Type == ElementType.Int4;
            int countPerCall = CountPerCall(g), multiplier = loops.GroupFilters;
            bool tiled = loops.Batch == 1;
            string M = RuntimeNames.Marshal, K = RuntimeNames.Int8;
            string masks = c.Local("masks");
            c.W.Line($"var {masks} = {M}.Cast<byte, int>({c.Workspace}.Slice(0, {CSharp.Int(MaskBytes(g))}));");
            if (c.EmitsPrologue)
            {
                c.W.Line($"{K}.DepthwiseKernel.ColumnMasks({g.InWidth}, {CSharp.IntArray(g.ColumnShifts)}, {countPerCall}, {masks});");
                if (!c.EmitsTiles)
                    return;
            }
            string w = c.Local("w"), taps = c.Local("taps"), tapMasks = c.Local("tapMasks"), plane = c.Local("plane"), acc = c.Local("acc"), input = c.Local("input");
            c.W.Line($"var {w} = {M}.Cast<byte, float>({c.Packed("weights")});");
            var epilogue = ChannelEpilogue.Declare(c);
            c.W.Line($"{RuntimeNames.ReadOnlySpan}<int> {taps} = {CSharp.IntArray(g.TapOffsets)};");
            c.W.Line($"{RuntimeNames.ReadOnlySpan}<int> {tapMasks} = {CSharp.IntArray(g.TapMasks)};");
            string own = tiled ? c.TileWorkspace : $"{c.Workspace}.Slice({CSharp.Int(MaskBytes(g))})";
            c.W.Line($"var {plane} = {M}.Cast<byte, float>({own}.Slice(0, {CSharp.Int(PlaneBytes(g))}));");
            c.W.Line($"var {acc} = {M}.Cast<byte, int>({own}.Slice({CSharp.Int(PlaneBytes(g))}));");
            c.W.Line($"{RuntimeNames.ReadOnlySpan}<byte> {input} = {(signed ? $"{M}.Cast<sbyte, byte>({c.InName(0)})" : c.InName(0))};");
            // The padding rows and the slack stay zero: every channel writes the same rows.
            c.W.Line($"{plane}.Clear();");

            int inPlane = g.InHeight * g.InWidth;
            string Pack(string inputPlane) =>
                $"{K}.DepthwisePacker.PackRows({input}.Slice({inputPlane}, {inPlane}), {(signed ? "true" : "false")}, {x.Quant!.ZeroPoint[0]}, {plane}.Slice({CSharp.Int(g.InputStart)}));";
            if (c.Part == LayerPart.Tiles)
            {
                // Tile t is output channel t, of input channel t / multiplier.
                string channel = c.Local("channel");
                using (c.W.Block($"for (int {channel} = {c.TileStart}; {channel} < {c.TileEnd}; {channel}++)"))
                {
                    string ch = multiplier == 1 ? channel : $"{channel} / {multiplier}";
                    string packWhen = multiplier == 1 ? "" : $"if ({channel} == {c.TileStart} || {channel} % {multiplier} == 0) ";
                    c.W.Line(packWhen + Pack(Affine.Product(ch, inPlane)));
                    ChannelRows(c, g, epilogue, plane, taps, tapMasks, masks, w, acc, "0", loops.Filters, channel);
                }
                return;
            }
            using var batch = Affine.Loop(c, "b", loops.Batch);
            string chIndex = c.Local("c");
            using (c.W.Block($"for (int {chIndex} = 0; {chIndex} < {loops.Channels}; {chIndex}++)"))
            {
                c.W.Line(Pack(Affine.Product(Affine.Sum2(Affine.Term(batch.Index, loops.Channels), chIndex), inPlane)));
                using var filter = Affine.Loop(c, "f", multiplier);
                string channel = c.Local("channel");
                c.W.Line($"int {channel} = {Affine.Sum2(Affine.Term(chIndex, multiplier), filter.Index)};");
                ChannelRows(c, g, epilogue, plane, taps, tapMasks, masks, w, acc, batch.Index, loops.Filters, channel);
            }
        }

        /// <summary>Output channel <paramref name="channel"/> of image <paramref name="batch"/> from the plane of its input channel: sums and epilogue per block of rows.</summary>
        private static void ChannelRows(LayerContext c, MaskedPlane g, ChannelEpilogue epilogue, string plane, string taps, string tapMasks, string masks, string w, string acc,
            string batch, int filters, string channel)
        {
            int rowsPerCall = RowsPerCall(g), countPerCall = CountPerCall(g), outPlane = g.OutHeight * g.OutWidth;
            bool chunked = rowsPerCall < g.OutHeight;
            string y0 = chunked ? c.Local("y0") : "0";
            using (chunked ? c.W.Block($"for (int {y0} = 0; {y0} < {g.OutHeight}; {y0} += {rowsPerCall})") : null)
            {
                string rows = CSharp.Int(g.OutHeight), count = CSharp.Int(Count(g.OutHeight, g.InWidth));
                if (chunked)
                {
                    rows = c.Local("rows");
                    count = c.Local("count");
                    c.W.Line($"int {rows} = {RuntimeNames.Math}.Min({rowsPerCall}, {g.OutHeight} - {y0});");
                    c.W.Line($"int {count} = ({rows} * {g.InWidth} + 15) / 16 * 16;");
                }
                string planeStart = Affine.Term(y0, g.InWidth);
                c.W.Line($"{RuntimeNames.Int8}.DepthwiseKernel.AccumulateMasked({(planeStart == "0" ? plane : $"{plane}.Slice({planeStart})")}, {taps}, {tapMasks}, {masks}, {countPerCall}, " +
                    $"{w}.Slice({Affine.Term(channel, g.Taps)}, {g.Taps}), {acc}, {count});");
                string outStart = Affine.Sum2(Affine.Product(Affine.Sum2(Affine.Term(batch, filters), channel), outPlane), Affine.Term(y0, g.OutWidth));
                c.W.Line(epilogue.Rows(acc, CSharp.Int(g.InWidth), rows, CSharp.Int(g.OutWidth), "0", channel,
                    $"{c.OutName(0)}.Slice({outStart}, {(rows == CSharp.Int(g.OutHeight) ? CSharp.Int(outPlane) : $"{rows} * {g.OutWidth}")})"));
            }
        }

        private static MaskedPlane PlaneOf(ConvLoops loops)
        {
            var win = loops.Window;
            return new MaskedPlane(win.Input[0], win.Input[1], win.Kernel, win.Strides, win.Dilations, win.PadBegin, win.PadEnd, win.Output[0], win.Output[1]);
        }

        private static long PlaneBytes(MaskedPlane g) => (4L * g.PlaneWords + 63) / 64 * 64;

        private static long MaskBytes(MaskedPlane g) => (4L * g.ColumnShifts.Length * CountPerCall(g) + 63) / 64 * 64;

        private static int RowsPerCall(MaskedPlane g) => Math.Max(1, Math.Min(g.OutHeight, MaxOutputsPerCall / g.InWidth));

        private static int CountPerCall(MaskedPlane g) => Count(RowsPerCall(g), g.InWidth);

        private static int Count(int rows, int width) => (rows * width + 15) / 16 * 16;

        private static MaskedPlane PlaneOf(Node node)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            var win = ConvArithmetic.Infer(node, x, w, out int[] y);
            return new MaskedPlane(x.Shape[2], x.Shape[3], win.Kernel, win.Strides, win.Dilations, win.PadBegin, win.PadEnd, y[2], y[3]);
        }

        /// <summary>
        /// The plane of one channel: <see cref="InputStart"/> words (the left padding and the top
        /// padding rows), the input's rows back to back, then zeros. Output <c>(y, x)</c> is lane
        /// <c>y · InWidth + x</c>; tap <c>(ky, kx)</c> reads the lane moved by
        /// <c>ky · dh · InWidth + kx · dw</c>, masked where column <c>x + kx · dw - padLeft</c>
        /// leaves the row.
        /// </summary>
        private sealed class MaskedPlane
        {
            public MaskedPlane(int inHeight, int inWidth, int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd, int outHeight, int outWidth)
            {
                InHeight = inHeight;
                InWidth = inWidth;
                OutHeight = outHeight;
                OutWidth = outWidth;
                StrideH = strides[0];
                StrideW = strides[1];
                Taps = kernel[0] * kernel[1];
                TapOffsets = new int[Taps];
                TapMasks = new int[Taps];
                TapOrder = new int[Taps];
                // Column by column, so that the taps sharing a column's mask are consecutive.
                for (int kx = 0, t = 0; kx < kernel[1]; kx++)
                    for (int ky = 0; ky < kernel[0]; ky++, t++)
                    {
                        TapOffsets[t] = ky * dilations[0] * inWidth + kx * dilations[1];
                        TapMasks[t] = kx;
                        TapOrder[t] = ky * kernel[1] + kx;
                    }
                ColumnShifts = Enumerable.Range(0, kernel[1]).Select(kx => kx * dilations[1] - padBegin[1]).ToArray();
                InputStart = padBegin[1] + padBegin[0] * inWidth;
                PlaneWords = Math.Max(InputStart + (inHeight + padEnd[0]) * inWidth, outHeight * inWidth + 15 + TapOffsets.Max());
            }

            public int InHeight { get; }

            public int InWidth { get; }

            public int OutHeight { get; }

            public int OutWidth { get; }

            public int StrideH { get; }

            public int StrideW { get; }

            public int Taps { get; }

            public int[] TapOffsets { get; }

            /// <summary>Each tap's index in the ONNX kernel (row-major): the order of the packed weights.</summary>
            public int[] TapOrder { get; }

            /// <summary>Each tap's row of masks: its kernel column.</summary>
            public int[] TapMasks { get; }

            /// <summary>Per kernel column, how far it moves the input column: <c>kx · dw - padLeft</c>.</summary>
            public int[] ColumnShifts { get; }

            /// <summary>Where the input's first row starts in the plane.</summary>
            public int InputStart { get; }

            public int PlaneWords { get; }
        }
    }
}
