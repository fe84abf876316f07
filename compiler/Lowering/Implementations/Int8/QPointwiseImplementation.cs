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
    /// A quantised 1x1 Conv (group 1, no padding, any stride) as a matrix product with output
    /// channels in the vector lanes, on <c>Runtime.Kernels.Int8.GemmKernel</c>: each output pixel's
    /// input channels packed into one row of words, four pixels sharing each weight load, the
    /// weights packed as for the GEMV (<see cref="C4Blocks16"/>). Where a feature map is small (the
    /// late layers of a mobile network: 6x6, 3x3) this fills the lanes that a tile of pixels
    /// would leave empty; each pixel's channels are requantised together, then scattered to NCHW.
    /// </summary>
    public sealed class QPointwiseImplementation : LayerImplementation
    {
        private readonly bool _exact;

        public QPointwiseImplementation(bool exact) => _exact = exact;

        public override string Name => _exact ? "qconv1x1_u8s8_4x16c4_exact16" : "qconv1x1_u8s8_4x16c4";

        private string Dot => _exact ? "WordPairs" : "BytePairs";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "Conv")
                return "not a Conv";
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            if (x.Rank != 4)
                return "only 2-D convolutions";
            if (w.Shape[2] != 1 || w.Shape[3] != 1)
                return "not a 1x1 kernel";
            if (node.GetInt("group", 1) != 1)
                return "grouped";
            var window = ConvArithmetic.Infer(node, x, w, out _);
            if (window.PadBegin.Concat(window.PadEnd).Any(p => p != 0))
                return "padded";
            var problem = Int8Operands.OutputProblem(node.Outputs[0]);
            if (problem != null)
                return problem;
            var b = node.Input(2);
            if (b != null && b.Constant == null)
                return "the bias is not a constant";
            var ops = Operands(node, out string whyNot);
            if (ops == null)
                return whyNot;
            if (!_exact && !ops.BytePairsCannotSaturate(k => k % 2 == 0 ? (k + 1 < ops.Depth ? k + 1 : -1) : k - 1))
                return "some weight pair can saturate vpmaddubsw's int16 (the exact form applies)";
            return null;
        }

        public override string Describe(Node node) => _exact
            ? "int8 1x1 conv as a matrix product, output channels in lanes, 4 pixels x 16 channels a tile, exact 16-bit pairs (vpdpbusd with AVX-VNNI)"
            : "int8 1x1 conv as a matrix product, output channels in lanes, 4 pixels x 16 channels a tile, byte pairs (vpmaddubsw, proven not to saturate; vpdpbusd with AVX-VNNI)";

        public override double EstimatedNanoseconds(Node node)
        {
            var (channels, filters, pixels) = Sizes(node);
            long paddedMacs = (long)pixels * ((filters + 15) / 16 * 16) * ((channels + 3) / 4 * 4);
            // ~110 G MAC/s with four rows a weight load (90 exact); the pixel gather, epilogue and scatter scalar-ish.
            return paddedMacs / (_exact ? 90.0 : 110.0) + (double)pixels * channels * 0.7 + (double)pixels * filters * 0.8 + pixels * 30 + 150;
        }

        public override IEnumerable<PlanAttribute> Lower(Node node) => ConvEmitter.Lowered(node, node.Inputs[0]!, node.Inputs[1]!);

        public override bool ReplacesInput(Node node, int input) => input == 1 || input == 2;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            var ops = Operands(node, out string why) ?? throw node.Error("internal: " + why);
            int n = ops.Rows;
            var weights = new C4Blocks16(n, ops.Depth);
            var ints = new Int32Vector(n);
            var doubles = new Float64Vector(n);
            var biases = Int8Operands.Biases(node.Input(2), n, 1).Select(v => v == 0 ? 0.0 : v).ToArray();
            return new[]
            {
                new PackedConstant("weights", weights, weights.Pack(ops.Centered)),
                new PackedConstant("offsets", ints, ints.Pack(ops.Offsets)),
                new PackedConstant("scales", doubles, doubles.Pack(ops.Scales)),
                new PackedConstant("biases", doubles, doubles.Pack(biases)),
            };
        }

        public override long WorkspaceBytes(Node node)
        {
            var (channels, filters, pixels) = Sizes(node);
            return RowBytes(channels, pixels) + AccBytes(filters, pixels) + 4L * filters;
        }

        private static long RowBytes(int channels, int pixels) => (4L * pixels * ((channels + 3) / 4) + 63) / 64 * 64;

        private static long AccBytes(int filters, int pixels) => 4L * pixels * ((filters + 15) / 16 * 16);

        public override void Emit(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var win = loops.Window;
            var x = c.In(0);
            var y = c.Out(0);
            int channels = loops.Channels, filters = loops.Filters, height = win.Input[0], width = win.Input[1];
            int outHeight = win.Output[0], outWidth = win.Output[1], pixels = outHeight * outWidth;
            int quads = (channels + 3) / 4, blocks = (filters + 15) / 16;
            bool signed = x.Type == ElementType.Int8 || x.Type == ElementType.Int4;
            int zx = x.Quant!.ZeroPoint[0] + (signed ? 128 : 0);
            string M = RuntimeNames.Marshal, K8 = RuntimeNames.Int8;
            string outType = CSharp.ElementType(y.Type);
            string w = c.Local("w"), offsets = c.Local("offsets"), scales = c.Local("scales"), biases = c.Local("biases");
            string rows = c.Local("rows"), acc = c.Local("acc"), line = c.Local("line"), input = c.Local("input");
            long rowBytes = RowBytes(channels, pixels), accBytes = AccBytes(filters, pixels);
            c.W.Line($"var {w} = {M}.Cast<byte, sbyte>({c.Packed("weights")});");
            c.W.Line($"var {offsets} = {M}.Cast<byte, int>({c.Packed("offsets")});");
            c.W.Line($"var {scales} = {M}.Cast<byte, double>({c.Packed("scales")});");
            c.W.Line($"var {biases} = {M}.Cast<byte, double>({c.Packed("biases")});");
            c.W.Line($"var {rows} = {M}.Cast<byte, int>({c.Workspace}.Slice(0, {CSharp.Int(rowBytes)}));");
            c.W.Line($"var {acc} = {M}.Cast<byte, int>({c.Workspace}.Slice({CSharp.Int(rowBytes)}, {CSharp.Int(accBytes)}));");
            string lineBytes = $"{c.Workspace}.Slice({CSharp.Int(rowBytes + accBytes)}, {CSharp.Int(filters * (outType == "byte" || outType == "sbyte" ? 1 : 4))})";
            c.W.Line($"var {line} = {(outType == "byte" ? lineBytes : $"{M}.Cast<byte, {outType}>({lineBytes})")};");
            c.W.Line($"{RuntimeNames.ReadOnlySpan}<byte> {input} = {(signed ? $"{M}.Cast<sbyte, byte>({c.InName(0)})" : c.InName(0))};");
            using var batch = Affine.Loop(c, "b", loops.Batch);
            int inImage = channels * height * width, outImage = filters * pixels;
            c.W.Line($"{K8}.PixelPacker.Pack({input}.Slice({Affine.Term(batch.Index, inImage)}, {inImage}), {channels}, {height}, {width}, {outHeight}, {outWidth}, " +
                $"{win.Strides[0]}, {win.Strides[1]}, {zx}, {(signed ? "0x80" : "0")}, {rows});");
            c.W.Line($"{K8}.GemmKernel.Accumulate<{K8}.{Dot}>({rows}, {quads}, {pixels}, {w}, {blocks}, {acc}, {blocks * 16});");
            string p = c.Local("p");
            using (c.W.Block($"for (int {p} = 0; {p} < {pixels}; {p}++)"))
            {
                c.W.Line(KernelEpilogue.Call("Lanes", y, c.Step.Activation, $"{acc}.Slice({p} * {blocks * 16}, {filters})", offsets, scales, biases, line));
                c.W.Line($"{RuntimeNames.Kernels}.Strided.Scatter<{outType}>({line}, {c.OutName(0)}.Slice({Affine.Sum2(Affine.Term(batch.Index, outImage), p)}), {pixels});");
            }
        }

        private static (int Channels, int Filters, int Pixels) Sizes(Node node)
        {
            var y = node.Outputs[0].Shape;
            return (node.Inputs[0]!.Shape[1], y[1], y[2] * y[3]);
        }

        private static Int8Operands? Operands(Node node, out string whyNot)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            int rows = w.Shape[0], depth = w.Shape[1];
            return Int8Operands.Analyse(x, w, rows, depth, (r, d) => r * depth + d, out whyNot);
        }
    }
}
