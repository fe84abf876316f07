using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Emit.Layers;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Lowering.Implementations.Int8
{
    /// <summary>
    /// A quantised 2-D Conv (any kernel, stride, dilation, padding, groups) on
    /// <c>Runtime.Kernels.Int8.ConvKernel</c>: per group the input is packed into stride-phase
    /// planes of four-channel words (<see cref="PhasedConvGeometry"/>), the kernel sums tiles of
    /// 4 channels × 64 output positions, and <c>Requantize</c> finishes each output row. Weights are
    /// centred and packed at build time (<see cref="C4Rows"/>) with the zero-point term, the
    /// multipliers and the biases. The byte-pair form needs the proof that no pair saturates;
    /// the exact form does not.
    /// </summary>
    public sealed class QConvImplementation : LayerImplementation
    {
        private readonly bool _exact;

        public QConvImplementation(bool exact) => _exact = exact;

        public override string Name => _exact ? "qconv_u8s8_c4_exact16_4x64" : "qconv_u8s8_c4_4x64";

        private string Dot => _exact ? "WordPairs" : "BytePairs";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            var problem = Int8Operands.ConvProblem(node, grouped: true);
            if (problem != null)
                return problem;
            var ops = Operands(node, out string whyNot);
            if (ops == null)
                return whyNot;
            if (!_exact && !ops.BytePairsCannotSaturate(Partner(node)))
                return "some weight pair can saturate vpmaddubsw's int16 (the exact form applies)";
            return null;
        }

        public override string Describe(Node node) => _exact
            ? "int8 conv, input packed in 4-channel words per stride phase, 4x64 register tiles, exact 16-bit pairs (vpmaddwd; vpdpbusd with AVX-VNNI)"
            : "int8 conv, input packed in 4-channel words per stride phase, 4x64 register tiles, byte pairs (vpmaddubsw, proven not to saturate; vpdpbusd with AVX-VNNI)";

        public override double EstimatedNanoseconds(Node node)
        {
            var g = Geometry(node, out int groups, out int groupFilters);
            long words = (long)groups * g.Quads * g.Phases * g.PlaneWords;
            long virtualMacs = (long)node.Inputs[0]!.Shape[0] * groups * groupFilters * g.Count(g.OutHeight) * g.Quads * 4 * g.TapOffsets.Length;
            long outputs = Shape.Size(node.Outputs[0].Shape);
            // Measured rates on one Zen 4 core: ~100 G MAC/s (byte pairs), ~70 (exact); packing ~1 ns a word
            // (~4 split into stride phases, gathered a short row at a time: ResNet-18's 1x1 stride-2
            // conv, 64->128 on 28x28, took 89 µs here against 46 µs on the im2col-rows kernel); epilogue ~0.3 ns an output.
            double macRate = _exact ? 70 : 100;
            return virtualMacs / macRate + words * (g.Phases > 1 ? 4.0 : 1.0) + outputs * 0.3 + 200;
        }

        public override IEnumerable<PlanAttribute> Lower(Node node) => ConvEmitter.Lowered(node, node.Inputs[0]!, node.Inputs[1]!);

        public override bool ReplacesInput(Node node, int input) => input == 1 || input == 2;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            var ops = Operands(node, out string why) ?? throw node.Error("internal: " + why);
            Value w = node.Inputs[1]!;
            int rows = w.Shape[0], channels = w.Shape[1], taps = w.Shape[2] * w.Shape[3];
            var weights = new C4Rows(rows, channels, taps);
            var perRow = new Int32Vector(rows);
            var biases = Int8Operands.Biases(node.Input(2), rows, 1);
            var fast = ops.FastRequantization(node.Outputs[0], biases, node.Activation);
            var constants = new List<PackedConstant> { new PackedConstant("weights", weights, weights.Pack(ops.Centered)), new PackedConstant("offsets", perRow, perRow.Pack(ops.Offsets)) };
            constants.AddRange(ops.PackEpilogue(biases, fast));
            return constants;
        }

        public override long WorkspaceBytes(Node node)
        {
            var g = Geometry(node, out _, out int groupFilters);
            return PackedBytes(g) + AccumulatorBytes(g, groupFilters);
        }

        private static long PackedBytes(PhasedConvGeometry g) => (4L * g.PackedWords + 63) / 64 * 64;

        /// <summary>One image, one group: the packed input is shared, and tiles of 4 output channels run on any thread, each with its own accumulators.</summary>
        public override TileSplit? Split(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            if (loops.Batch != 1 || loops.Groups != 1)
                return null;
            var g = Geometry(loops);
            return new TileSplit((loops.Filters + FiltersPerTile - 1) / FiltersPerTile, PackedBytes(g), AccumulatorBytes(g, loops.Filters));
        }

        /// <summary>Output channels a tile computes: the kernel's register tile.</summary>
        private const int FiltersPerTile = 4;

        public override void Emit(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var g = Geometry(loops);
            int wordsPerRow = g.Quads * g.TapOffsets.Length;
            bool tiled = loops.Batch == 1 && loops.Groups == 1;
            string M = RuntimeNames.Marshal, K = RuntimeNames.Int8;

            string packed = c.Local("packed");
            c.W.Line($"var {packed} = {M}.Cast<byte, int>({c.Workspace}.Slice(0, {CSharp.Int(PackedBytes(g))}));");
            int outPlane = g.OutHeight * g.OutWidth;
            if (c.EmitsPrologue && tiled)
            {
                Pack(c, g, loops, packed, "0", "0");
                if (!c.EmitsTiles)
                    return;
            }

            string w = c.Local("w"), offsets = c.Local("offsets"), taps = c.Local("taps"), acc = c.Local("acc");
            c.W.Line($"var {w} = {M}.Cast<byte, int>({c.Packed("weights")});");
            c.W.Line($"var {offsets} = {M}.Cast<byte, int>({c.Packed("offsets")});");
            var epilogue = ChannelEpilogue.Declare(c);
            c.W.Line($"{RuntimeNames.ReadOnlySpan}<int> {taps} = {CSharp.IntArray(g.TapOffsets)};");
            c.W.Line($"var {acc} = {M}.Cast<byte, int>({(tiled ? c.TileWorkspace : $"{c.Workspace}.Slice({CSharp.Int(PackedBytes(g))})")});");

            // A tile range [start, end) is output channels [f0, f1); the whole layer is [0, filters).
            string f0 = "0", f1 = CSharp.Int(loops.GroupFilters);
            if (c.Part == LayerPart.Tiles)
            {
                f0 = c.Local("f0");
                f1 = c.Local("f1");
                c.W.Line($"int {f0} = {c.TileStart} * {FiltersPerTile}, {f1} = {RuntimeNames.Math}.Min({c.TileEnd} * {FiltersPerTile}, {loops.Filters});");
            }
            using var batch = Affine.Loop(c, "b", loops.Batch);
            using var group = Affine.Loop(c, "g", loops.Groups);
            string b = batch.Index, gi = group.Index;
            if (!tiled)
                Pack(c, g, loops, packed, b, gi);
            string y0 = c.Local("y0"), rows = c.Local("rows"), count = c.Local("count"), m = c.Local("m"), channel = c.Local("channel");
            using (c.W.Block($"for (int {y0} = 0; {y0} < {g.OutHeight}; {y0} += {g.RowsPerCall})"))
            {
                c.W.Line($"int {rows} = {RuntimeNames.Math}.Min({g.RowsPerCall}, {g.OutHeight} - {y0});");
                c.W.Line($"int {count} = ({rows} * {g.PlaneCols} + 15) / 16 * 16;");
                string weights = loops.Groups > 1 ? $"{w}.Slice({Affine.Term(gi, loops.GroupFilters * wordsPerRow)}, {CSharp.Int(loops.GroupFilters * wordsPerRow)})"
                    : f0 == "0" ? w : $"{w}.Slice({f0} * {wordsPerRow})";
                string filters = f0 == "0" ? f1 : $"{f1} - {f0}";
                c.W.Line($"{K}.ConvKernel.Accumulate<{K}.{Dot}>({packed}.Slice({y0} * {g.PlaneCols}), {g.QuadStride}, {taps}, {g.Quads}, {weights}, {filters}, {acc}, {count});");
                using (c.W.Block($"for (int {m} = {f0}; {m} < {f1}; {m}++)"))
                {
                    c.W.Line($"int {channel} = {Affine.Sum2(Affine.Term(gi, loops.GroupFilters), m)};");
                    string outStart = Affine.Sum2(Affine.Product(Affine.Sum2(Affine.Term(b, loops.Filters), channel), outPlane), Affine.Term(y0, g.OutWidth));
                    string accRow = f0 == "0" ? $"{m} * {count}" : $"({m} - {f0}) * {count}";
                    c.W.Line(epilogue.Rows($"{acc}.Slice({accRow})", CSharp.Int(g.PlaneCols), rows, CSharp.Int(g.OutWidth), $"{offsets}[{channel}]", channel,
                        $"{c.OutName(0)}.Slice({outStart}, {rows} * {g.OutWidth})"));
                }
            }
        }

        /// <summary>Packs image <paramref name="b"/>, group <paramref name="gi"/> of the input into stride-phase planes of 4-channel words.</summary>
        private static void Pack(LayerContext c, PhasedConvGeometry g, ConvLoops loops, string packed, string b, string gi)
        {
            var x = c.In(0);
            bool signed = x.Type == ElementType.Int8 || x.Type == ElementType.Int4;
            int zx = x.Quant!.ZeroPoint[0] + (signed ? 128 : 0);
            int inPlane = g.InHeight * g.InWidth;
            string input = x.Type == ElementType.UInt8 || x.Type == ElementType.UInt4 ? c.InName(0) : $"{RuntimeNames.Marshal}.Cast<sbyte, byte>({c.InName(0)})";
            c.W.Line($"{RuntimeNames.Int8}.ConvInputPacker.Pack({input}.Slice({Affine.Product(Affine.Sum2(Affine.Term(b, loops.Channels), Affine.Term(gi, loops.GroupChannels)), inPlane)}, {CSharp.Int(loops.GroupChannels * inPlane)}), " +
                $"{g.Channels}, {g.InHeight}, {g.InWidth}, {g.PadTop}, {g.PadLeft}, {g.StrideH}, {g.StrideW}, {g.PlaneRows}, {g.PlaneCols}, {g.PlaneWords}, " +
                $"{zx}, {(signed ? "0x80" : "0")}, {packed});");
        }

        private static PhasedConvGeometry Geometry(ConvLoops loops)
        {
            var win = loops.Window;
            return new PhasedConvGeometry(loops.GroupChannels, win.Input[0], win.Input[1], win.Kernel, win.Strides, win.Dilations, win.PadBegin, win.PadEnd, win.Output[0], win.Output[1]);
        }

        private static long AccumulatorBytes(PhasedConvGeometry g, int groupFilters) => 4L * groupFilters * g.Count(g.RowsPerCall);

        private static PhasedConvGeometry Geometry(Node node, out int groups, out int groupFilters)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            var win = ConvArithmetic.Infer(node, x, w, out int[] y);
            groups = (int)node.GetInt("group", 1);
            groupFilters = w.Shape[0] / groups;
            return new PhasedConvGeometry(w.Shape[1], x.Shape[2], x.Shape[3], win.Kernel, win.Strides, win.Dilations, win.PadBegin, win.PadEnd, y[2], y[3]);
        }

        /// <summary>The weights as [M, C/group · taps], in (channel, tap) order.</summary>
        private static Int8Operands? Operands(Node node, out string whyNot)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            int rows = w.Shape[0], depth = Shape.Size(w.Shape) / rows;
            return Int8Operands.Analyse(x, w, rows, depth, (r, d) => r * depth + d, out whyNot);
        }

        /// <summary>The pairs <c>vpmaddubsw</c> adds: channels 4q and 4q+1, 4q+2 and 4q+3, at the same tap.</summary>
        private static System.Func<int, int> Partner(Node node)
        {
            var w = node.Inputs[1]!;
            int channels = w.Shape[1], taps = w.Shape[2] * w.Shape[3];
            return d =>
            {
                int ch = d / taps, t = d % taps;
                int other = ch % 2 == 0 ? ch + 1 : ch - 1;
                return other < channels ? other * taps + t : -1;
            };
        }
    }
}
