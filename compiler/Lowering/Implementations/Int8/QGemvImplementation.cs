using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Int8
{
    /// <summary>
    /// A quantised Gemm or 2-D MatMul with a constant B on <c>Runtime.Kernels.Int8.GemvKernel</c>:
    /// each row of A is packed into words, multiplied with B packed at build time in streams of
    /// 16 output channels (<see cref="C4Blocks16"/>), and finished by <c>Requantize</c> with one
    /// constant per output channel. Batch-1 inference makes these matrix-vector products, so the
    /// output channels, not the rows, fill the vector lanes. Where each output channel's weights
    /// (minus their zero point) span at most 16 values, B can be packed two weights a byte above
    /// the channel's minimum (<see cref="C4Blocks16Nibbles"/>, <c>NibbleGemvKernel</c>): half the
    /// bytes to stream.
    /// </summary>
    public sealed class QGemvImplementation : LayerImplementation
    {
        /// <summary>How B is stored and multiplied.</summary>
        public enum Form
        {
            /// <summary>s8 weights, byte pairs (<c>vpmaddubsw</c>), where no pair can saturate.</summary>
            BytePairs,
            /// <summary>s8 weights, exact 16-bit pairs (<c>vpmaddwd</c>).</summary>
            WordPairs,
            /// <summary>Weights two a byte as 4 bits above their channel's minimum, byte pairs (which cannot saturate at 4 bits).</summary>
            Nibbles,
        }

        private readonly Form _form;

        public QGemvImplementation(Form form) => _form = form;

        public override string Name => _form switch
        {
            Form.WordPairs => "qgemv_u8s8_16c4_exact16",
            Form.Nibbles => "qgemv_u8s4_16c4",
            _ => "qgemv_u8s8_16c4",
        };

        private string Dot => _form == Form.WordPairs ? "WordPairs" : "BytePairs";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            var problem = ShapeProblem(node);
            if (problem != null)
                return problem;
            var ops = Operands(node, out string whyNot);
            if (ops == null)
                return whyNot;
            if (_form == Form.BytePairs && !ops.BytePairsCannotSaturate(k => k % 2 == 0 ? (k + 1 < ops.Depth ? k + 1 : -1) : k - 1))
                return "some weight pair can saturate vpmaddubsw's int16 (the exact form applies)";
            if (_form == Form.Nibbles && new C4Blocks16Nibbles(ops.Rows, ops.Depth).Minima(ops.Centered) == null)
                return "some output channel's weights span more than 16 values, so B cannot be stored in 4 bits";
            return null;
        }

        public override string Describe(Node node) => _form switch
        {
            Form.WordPairs => "int8 matrix-vector product, B streamed in blocks of 16 output channels, exact 16-bit pairs (vpmaddwd; vpdpbusd with AVX-VNNI)",
            Form.Nibbles => "4-bit matrix-vector product, B streamed two weights a byte (above each channel's minimum) in blocks of 16 output channels, unpacked in registers, byte pairs (vpmaddubsw; vpdpbusd with AVX-VNNI)",
            _ => "int8 matrix-vector product, B streamed in blocks of 16 output channels, byte pairs (vpmaddubsw, proven not to saturate; vpdpbusd with AVX-VNNI)",
        };

        public override double EstimatedNanoseconds(Node node)
        {
            long rows = node.Inputs[0]!.Shape[0], k = K(node), n = N(node);
            long paddedMacs = rows * ((n + 15) / 16 * 16) * ((k + 3) / 4 * 4);
            // ~100 G MAC/s in cache (70 exact), and B streamed at ~20 GB/s once it exceeds the caches.
            double compute = paddedMacs / (_form == Form.WordPairs ? 70.0 : 100.0);
            double bytePairs = Math.Max(compute, k * n / 20.0) + rows * n * 0.3 + 100;
            if (_form != Form.Nibbles)
                return bytePairs;
            // Measured against the byte form (docs/benchmarks.md, "4-bit GEMV"): 0.44x its time at 4096x4096,
            // where B streams from memory; 0.87x at 1-2 MB of int8 B; 1.1x in L2 and more in L1, where
            // unpacking costs more than the bytes it saves; plus the sum of the activations per row.
            double factor = k * n > 4 << 20 ? 0.45 : k * n > 1 << 19 ? 0.9 : 1.1;
            return bytePairs * factor + rows * k / 32.0;
        }

        public override bool ReplacesInput(Node node, int input) => input == 1 || input == 2;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            var ops = Operands(node, out string why) ?? throw node.Error("internal: " + why);
            int n = N(node);
            var ints = new Int32Vector(n);
            var doubles = new Float64Vector(n);
            var biases = Biases(node);
            var constants = new List<PackedConstant>();
            var offsets = ops.Offsets;
            if (_form == Form.Nibbles)
            {
                var nibbles = new C4Blocks16Nibbles(n, ops.Depth);
                var minima = nibbles.Minima(ops.Centered)!;
                var padded = new Int32Vector(nibbles.Blocks * C4Blocks16Nibbles.BlockRows);
                constants.Add(new PackedConstant("weights", nibbles, nibbles.Pack(ops.Centered, minima)));
                constants.Add(new PackedConstant("minima", padded, padded.Pack(minima.Concat(new int[padded.Count - n]).ToArray())));
                // The row's padding past k (RowPacker fills it with the zero point) meets weights of m[r], not 0.
                int pad = (ops.Depth + 3) / 4 * 4 - ops.Depth;
                offsets = offsets.Select((o, r) => o - minima[r] * ops.InputZero * pad).ToArray();
            }
            else
            {
                var bytes = new C4Blocks16(n, ops.Depth);
                constants.Add(new PackedConstant("weights", bytes, bytes.Pack(ops.Centered)));
            }
            return constants.Concat(new[]
            {
                new PackedConstant("offsets", ints, ints.Pack(offsets)),
                new PackedConstant("scales", doubles, doubles.Pack(ops.Scales)),
                new PackedConstant("biases", doubles, doubles.Pack(biases)),
            }).ToArray();
        }

        public override long WorkspaceBytes(Node node) => RowBytes(K(node)) + 64L * ((N(node) + 15) / 16);

        private static long RowBytes(int k) => ((k + 3) / 4 * 4 + 63) / 64 * 64;

        /// <summary>One row of A: it is packed once, and tiles of 16 output channels (a block of B) run on any thread.</summary>
        public override TileSplit? Split(LayerContext c)
        {
            int rows = c.In(0).Shape[0], k = c.In(0).Shape[1], n = c.Out(0).Shape[1];
            int blocks = (n + 15) / 16;
            return rows == 1 ? new TileSplit(blocks, RowBytes(k), 64L * blocks) : null;
        }

        public override void Emit(LayerContext c)
        {
            var a = c.In(0);
            int rows = a.Shape[0], k = a.Shape[1], n = c.Out(0).Shape[1], quads = (k + 3) / 4, blocks = (n + 15) / 16;
            bool tiled = rows == 1;
            bool signed = a.Type == ElementType.Int8 || a.Type == ElementType.Int4;
            int zx = a.Quant!.ZeroPoint[0] + (signed ? 128 : 0);
            string M = RuntimeNames.Marshal, K8 = RuntimeNames.Int8;
            string row = c.Local("row");
            c.W.Line($"var {row} = {M}.Cast<byte, int>({c.Workspace}.Slice(0, {CSharp.Int(RowBytes(k))}));");
            string input = a.Type == ElementType.UInt8 || a.Type == ElementType.UInt4 ? c.InName(0) : $"{M}.Cast<sbyte, byte>({c.InName(0)})";
            if (c.EmitsPrologue && tiled)
            {
                c.W.Line($"{K8}.RowPacker.Pack({input}, {zx}, {(signed ? "0x80" : "0")}, {row});");
                if (!c.EmitsTiles)
                    return;
            }

            string w = c.Local("w"), offsets = c.Local("offsets"), scales = c.Local("scales"), biases = c.Local("biases"), acc = c.Local("acc");
            bool nibbles = _form == Form.Nibbles;
            string kernel = nibbles ? $"{K8}.NibbleGemvKernel" : $"{K8}.GemvKernel";
            int blockBytes = nibbles ? (quads + 1) / 2 * 64 : quads * 64;
            string minima = nibbles ? c.Local("minima") : "";
            if (nibbles)
            {
                c.W.Line($"var {w} = {c.Packed("weights")};");
                c.W.Line($"var {minima} = {M}.Cast<byte, int>({c.Packed("minima")});");
            }
            else
                c.W.Line($"var {w} = {M}.Cast<byte, sbyte>({c.Packed("weights")});");
            c.W.Line($"var {offsets} = {M}.Cast<byte, int>({c.Packed("offsets")});");
            c.W.Line($"var {scales} = {M}.Cast<byte, double>({c.Packed("scales")});");
            c.W.Line($"var {biases} = {M}.Cast<byte, double>({c.Packed("biases")});");
            c.W.Line($"var {acc} = {M}.Cast<byte, int>({(tiled ? c.TileWorkspace : $"{c.Workspace}.Slice({CSharp.Int(RowBytes(k))})")});");
            if (c.Part == LayerPart.Tiles)
            {
                // Tiles [start, end) are blocks of B, output channels [n0, n1).
                string n0 = c.Local("n0"), n1 = c.Local("n1");
                c.W.Line($"int {n0} = {c.TileStart} * 16, {n1} = {RuntimeNames.Math}.Min({c.TileEnd} * 16, {n});");
                string tileMinima = nibbles ? $"{minima}.Slice({c.TileStart} * 16), " : "";
                string dot = nibbles ? "" : $"<{K8}.{Dot}>";
                c.W.Line($"{kernel}.Accumulate{dot}({row}.Slice(0, {quads}), {w}.Slice({c.TileStart} * {blockBytes}), {tileMinima}{c.TileEnd} - {c.TileStart}, {acc});");
                c.W.Line(KernelEpilogue.Call("Lanes", c.Out(0), c.Step.Activation, $"{acc}.Slice(0, {n1} - {n0})", $"{offsets}.Slice({n0})", $"{scales}.Slice({n0})", $"{biases}.Slice({n0})",
                    $"{c.OutName(0)}.Slice({n0}, {n1} - {n0})"));
                return;
            }
            using var loop = Affine.Loop(c, "i", rows);
            string i = loop.Index;
            if (!tiled)
                c.W.Line($"{K8}.RowPacker.Pack({input}.Slice({Affine.Term(i, k)}, {k}), {zx}, {(signed ? "0x80" : "0")}, {row});");
            c.W.Line(nibbles
                ? $"{kernel}.Accumulate({row}.Slice(0, {quads}), {w}, {minima}, {blocks}, {acc});"
                : $"{kernel}.Accumulate<{K8}.{Dot}>({row}.Slice(0, {quads}), {w}, {blocks}, {acc});");
            c.W.Line(KernelEpilogue.Call("Lanes", c.Out(0), c.Step.Activation, $"{acc}.Slice(0, {n})", offsets, scales, biases, $"{c.OutName(0)}.Slice({Affine.Term(i, n)}, {n})"));
        }

        /// <summary>Why a Gemm or MatMul is not a quantised product with a constant B the GEMV kernels can take (shapes, attributes, output), or null.</summary>
        internal static string? ShapeProblem(Node node)
        {
            if (node.OpType != "Gemm" && node.OpType != "MatMul")
                return "not a Gemm or MatMul";
            Value a = node.Inputs[0]!, b = node.Inputs[1]!;
            if (a.Rank != 2 || b.Rank != 2)
                return "A and B must be matrices";
            if (node.OpType == "Gemm")
            {
                if (node.GetInt("transA", 0) != 0)
                    return "transA = 1";
                if (node.GetFloat("alpha", 1f) != 1f)
                    return "alpha is not 1 (the interpreter scales the product after summing)";
                var c = node.Input(2);
                if (c != null && (c.Constant == null || Shape.Size(c.Shape) != 1 && Shape.Size(c.Shape) != N(node) || c.Rank == 2 && c.Shape[0] != 1))
                    return "C is not a constant with one value per output column";
            }
            var problem = Int8Operands.OutputProblem(node.Outputs[0]);
            if (problem != null)
                return problem;
            if (b.Quant != null && !b.Quant.IsPerTensor && b.Quant.Axis != (TransB(node) ? 0 : 1))
                return "B is not quantised per tensor or per output column";
            return null;
        }

        /// <summary>C times beta per output column, as the interpreter adds it to (0 + sum): a bias of -0 adds like +0.</summary>
        internal static double[] Biases(Node node)
        {
            double beta = node.OpType == "Gemm" ? node.GetFloat("beta", 1f) : 1;
            return Int8Operands.Biases(node.Input(2), N(node), beta).Select(v => v == 0 ? 0.0 : v).ToArray();
        }

        private static bool TransB(Node node) => node.OpType == "Gemm" && node.GetInt("transB", 0) != 0;

        internal static int K(Node node) => node.Inputs[0]!.Shape[1];

        internal static int N(Node node) => TransB(node) ? node.Inputs[1]!.Shape[0] : node.Inputs[1]!.Shape[1];

        /// <summary>B as [N, K] whatever its stored orientation.</summary>
        internal static Int8Operands? Operands(Node node, out string whyNot)
        {
            int k = K(node), n = N(node);
            bool transB = TransB(node);
            return Int8Operands.Analyse(node.Inputs[0]!, node.Inputs[1]!, n, k, (r, d) => transB ? r * k + d : d * n + r, out whyNot);
        }
    }
}
