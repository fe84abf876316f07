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
    /// A quantised depthwise Conv (one input channel a group, any channel multiplier, kernel,
    /// stride, dilation, padding) on <c>Runtime.Kernels.Int8.DepthwiseKernel</c>: each channel's
    /// plane is packed as <c>x - zx</c> floats in stride phases, every tap is one fused
    /// multiply-add over 16 output positions, exact because the compiler proves every sum an
    /// integer below 2^24; <c>Requantize</c> finishes each output row.
    /// </summary>
    public class QDepthwiseImplementation : LayerImplementation
    {
        /// <summary>Outputs computed per kernel call (a plane of 64x64 at most), so the sums stay in L1.</summary>
        private const int MaxOutputsPerCall = 4096;

        public override string Name => "qdwconv_u8s8_f32fma_16";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "Conv")
                return "not a Conv";
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            if (x.Rank != 4)
                return "only 2-D convolutions";
            if (w.Shape[1] != 1 || node.GetInt("group", 1) != x.Shape[1])
                return "not depthwise (one input channel a group)";
            var problem = Int8Operands.OutputProblem(node.Outputs[0]);
            if (problem != null)
                return problem;
            var b = node.Input(2);
            if (b != null && b.Constant == null)
                return "the bias is not a constant";
            var ops = Operands(node, out string whyNot);
            if (ops == null)
                return whyNot;
            for (int r = 0; r < ops.Rows; r++)
            {
                long magnitude = 0;
                for (int d = 0; d < ops.Depth; d++)
                    magnitude += Math.Abs(ops.Centered[r * ops.Depth + d]);
                if (magnitude * 255 >= 1 << 24)
                    return $"output channel {r}'s sums could pass 2^24, where float sums stop being exact";
            }
            return null;
        }

        public override string Describe(Node node) => "int8 depthwise conv, one channel's plane at a time, exact float FMA over 16 output positions";

        public override double EstimatedNanoseconds(Node node)
        {
            var g = Geometry(node, out int multiplier);
            long planes = (long)node.Inputs[0]!.Shape[0] * node.Inputs[0]!.Shape[1];
            long virtualMacs = planes * multiplier * g.Count(g.OutHeight) * g.TapOffsets.Length;
            long outputs = Shape.Size(node.Outputs[0].Shape);
            // ~45 G MAC/s of 512-bit FMA on one Zen 4 core; packing ~0.3 ns an input; epilogue ~0.3 ns an output;
            // ~250 ns of calls and row loops an output plane (MobileNetV2's per-layer profile: 330 ns a 12x12
            // stride-2 plane; DS-CNN's first conv, one input plane and 64 filters, ~400 ns a filter).
            return virtualMacs / 45.0 + Shape.Size(node.Inputs[0]!.Shape) * 0.3 + outputs * 0.3 + planes * multiplier * 250 + 200;
        }

        public override IEnumerable<PlanAttribute> Lower(Node node) => ConvEmitter.Lowered(node, node.Inputs[0]!, node.Inputs[1]!);

        public override bool ReplacesInput(Node node, int input) => input == 1 || input == 2;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            var ops = Operands(node, out string why) ?? throw node.Error("internal: " + why);
            int rows = ops.Rows;
            var weights = new Float32Vector(rows * ops.Depth);
            var biases = Int8Operands.Biases(node.Input(2), rows, 1);
            var fast = ops.FastRequantization(node.Outputs[0], biases, node.Activation);
            var order = TapOrder(node);
            var values = new float[rows * ops.Depth];
            for (int r = 0; r < rows; r++)
                for (int t = 0; t < ops.Depth; t++)
                    values[r * ops.Depth + t] = ops.Centered[r * ops.Depth + order[t]];
            var constants = new List<PackedConstant> { new PackedConstant("weights", weights, weights.Pack(values)) };
            constants.AddRange(ops.PackEpilogue(biases, fast));
            return constants;
        }

        /// <summary>The kernel taps in the order the kernel visits them (the packed weights follow it): <c>order[t]</c> is a tap's index in the ONNX kernel, row-major.</summary>
        protected virtual int[] TapOrder(Node node) => Enumerable.Range(0, Shape.Size(node.Inputs[1]!.Shape) / node.Inputs[1]!.Shape[0]).ToArray();

        public override long WorkspaceBytes(Node node)
        {
            var g = Geometry(node, out _);
            return PlaneBytes(g) + 4L * g.Count(RowsPerCall(g));
        }

        private static long PlaneBytes(PhasedConvGeometry g) => (4L * g.PackedWords + 63) / 64 * 64;

        private static int RowsPerCall(PhasedConvGeometry g) => Math.Max(1, Math.Min(g.OutHeight, MaxOutputsPerCall / g.PlaneCols));

        /// <summary>One image: a tile is one output channel, and a range of tiles packs each input channel it meets into a plane of its own.</summary>
        public override TileSplit? Split(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            if (loops.Batch != 1)
                return null;
            var g = Geometry(loops);
            return new TileSplit(loops.Filters, 0, PlaneBytes(g) + 4L * g.Count(RowsPerCall(g)));
        }

        public override void Emit(LayerContext c)
        {
            if (!c.EmitsTiles)
                return;
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var g = Geometry(loops);
            var x = c.In(0);
            bool signed = x.Type == ElementType.Int8 || x.Type == ElementType.Int4;
            int multiplier = loops.GroupFilters;
            string M = RuntimeNames.Marshal, K = RuntimeNames.Int8;
            string w = c.Local("w"), tapOffsets = c.Local("taps");
            string plane = c.Local("plane"), acc = c.Local("acc"), input = c.Local("input");
            c.W.Line($"var {w} = {M}.Cast<byte, float>({c.Packed("weights")});");
            var epilogue = ChannelEpilogue.Declare(c);
            c.W.Line($"{RuntimeNames.ReadOnlySpan}<int> {tapOffsets} = {CSharp.IntArray(g.TapOffsets)};");
            string own = c.Part == LayerPart.Tiles ? c.TileWorkspace : c.Workspace;
            c.W.Line($"var {plane} = {M}.Cast<byte, float>({own}.Slice(0, {CSharp.Int(PlaneBytes(g))}));");
            c.W.Line($"var {acc} = {M}.Cast<byte, int>({own}.Slice({CSharp.Int(PlaneBytes(g))}));");
            c.W.Line($"{RuntimeNames.ReadOnlySpan}<byte> {input} = {(signed ? $"{M}.Cast<sbyte, byte>({c.InName(0)})" : c.InName(0))};");
            // Padding stays zero: every channel writes the same positions of the plane.
            c.W.Line($"{plane}.Clear();");

            int inPlane = g.InHeight * g.InWidth;
            string Pack(string inputPlane) =>
                $"{K}.DepthwisePacker.Pack({input}.Slice({inputPlane}, {inPlane}), {(signed ? "true" : "false")}, {x.Quant!.ZeroPoint[0]}, " +
                $"{g.InHeight}, {g.InWidth}, {g.PadTop}, {g.PadLeft}, {g.StrideH}, {g.StrideW}, {g.PlaneRows}, {g.PlaneCols}, {g.PlaneWords}, {plane});";
            if (c.Part == LayerPart.Tiles)
            {
                // Tile t is output channel t, of input channel t / multiplier.
                string channel = c.Local("channel");
                using (c.W.Block($"for (int {channel} = {c.TileStart}; {channel} < {c.TileEnd}; {channel}++)"))
                {
                    string packWhen = multiplier == 1 ? "" : $"if ({channel} == {c.TileStart} || {channel} % {multiplier} == 0) ";
                    c.W.Line(packWhen + Pack(Affine.Product(multiplier == 1 ? channel : $"{channel} / {multiplier}", inPlane)));
                    ChannelRows(c, g, epilogue, plane, tapOffsets, w, acc, "0", loops.Filters, channel);
                }
                return;
            }
            using var batch = Affine.Loop(c, "b", loops.Batch);
            string ch = c.Local("c");
            using (c.W.Block($"for (int {ch} = 0; {ch} < {loops.Channels}; {ch}++)"))
            {
                c.W.Line(Pack(Affine.Product(Affine.Sum2(Affine.Term(batch.Index, loops.Channels), ch), inPlane)));
                using var filter = Affine.Loop(c, "f", multiplier);
                string channel = c.Local("channel");
                c.W.Line($"int {channel} = {Affine.Sum2(Affine.Term(ch, multiplier), filter.Index)};");
                ChannelRows(c, g, epilogue, plane, tapOffsets, w, acc, batch.Index, loops.Filters, channel);
            }
        }

        /// <summary>Output channel <paramref name="channel"/> of image <paramref name="batch"/> from the packed plane of its input channel: the whole plane in one call when it fits, else chunks of rows.</summary>
        private static void ChannelRows(LayerContext c, PhasedConvGeometry g, ChannelEpilogue epilogue, string plane, string tapOffsets, string w, string acc, string batch, int filters, string channel)
        {
            int taps = g.TapOffsets.Length, rowsPerCall = RowsPerCall(g), outPlane = g.OutHeight * g.OutWidth;
            bool chunked = rowsPerCall < g.OutHeight;
            string y0 = chunked ? c.Local("y0") : "0";
            using (chunked ? c.W.Block($"for (int {y0} = 0; {y0} < {g.OutHeight}; {y0} += {rowsPerCall})") : null)
            {
                string rows = CSharp.Int(g.OutHeight), count = CSharp.Int(g.Count(g.OutHeight));
                if (chunked)
                {
                    rows = c.Local("rows");
                    count = c.Local("count");
                    c.W.Line($"int {rows} = {RuntimeNames.Math}.Min({rowsPerCall}, {g.OutHeight} - {y0});");
                    c.W.Line($"int {count} = ({rows} * {g.PlaneCols} + 15) / 16 * 16;");
                }
                string planeStart = Affine.Term(y0, g.PlaneCols);
                c.W.Line($"{RuntimeNames.Int8}.DepthwiseKernel.Accumulate({(planeStart == "0" ? plane : $"{plane}.Slice({planeStart})")}, {tapOffsets}, {w}.Slice({Affine.Term(channel, taps)}, {taps}), {acc}, {count});");
                string outStart = Affine.Sum2(Affine.Product(Affine.Sum2(Affine.Term(batch, filters), channel), outPlane), Affine.Term(y0, g.OutWidth));
                c.W.Line(epilogue.Rows(acc, CSharp.Int(g.PlaneCols), rows, CSharp.Int(g.OutWidth), "0", channel,
                    $"{c.OutName(0)}.Slice({outStart}, {(rows == CSharp.Int(g.OutHeight) ? CSharp.Int(outPlane) : $"{rows} * {g.OutWidth}")})"));
            }
        }

        private static PhasedConvGeometry Geometry(ConvLoops loops)
        {
            var win = loops.Window;
            return new PhasedConvGeometry(1, win.Input[0], win.Input[1], win.Kernel, win.Strides, win.Dilations, win.PadBegin, win.PadEnd, win.Output[0], win.Output[1]);
        }

        private static PhasedConvGeometry Geometry(Node node, out int multiplier)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            var win = ConvArithmetic.Infer(node, x, w, out int[] y);
            multiplier = w.Shape[0] / x.Shape[1];
            return new PhasedConvGeometry(1, x.Shape[2], x.Shape[3], win.Kernel, win.Strides, win.Dilations, win.PadBegin, win.PadEnd, y[2], y[3]);
        }

        private protected static Int8Operands? Operands(Node node, out string whyNot)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            int rows = w.Shape[0], depth = Shape.Size(w.Shape) / rows;
            return Int8Operands.Analyse(x, w, rows, depth, (r, d) => r * depth + d, out whyNot);
        }
    }
}
