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
    /// (minus their zero point) span at most 2^b values for b = 4, 2 or 1, B can be packed 8 / b
    /// weights a byte above the channel's minimum (<see cref="C4Blocks16Narrow"/>,
    /// <c>NarrowGemvKernel</c>): that many times fewer bytes to stream. Where they span at most 2^b
    /// values for b = 1 to 4, B can instead be b bit-planes of 4-bit patterns that index tables of
    /// the input's partial sums (<see cref="Lut16Planes"/>, <c>Lookup.LookupGemv</c>): b lookups
    /// for every four multiply-adds, so less work than a byte multiply at one or two bits.
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
            /// <summary>Weights 8 / b a byte as b bits above their channel's minimum, byte pairs (which cannot saturate at 4 bits or fewer).</summary>
            Narrow,
            /// <summary>Weights as b bit-planes of 4-bit patterns above their channel's minimum, looked up in per-input tables of partial sums.</summary>
            Lookup,
        }

        private readonly Form _form;

        /// <summary>Bits a weight is stored in: 8, or 4, 2 or 1 in the narrow form, 1 to 4 in the lookup form.</summary>
        private readonly int _bits;

        public QGemvImplementation(Form form, int bits = 8)
        {
            _form = form;
            _bits = form == Form.Narrow || form == Form.Lookup ? bits : 8;
        }

        /// <summary>Output channels per packed block of B (a tile).</summary>
        private int BlockRows => _form == Form.Lookup ? Lut16Planes.BlockRows : 16;

        public override string Name => _form switch
        {
            Form.WordPairs => "qgemv_u8s8_16c4_exact16",
            Form.Narrow => $"qgemv_u8s{_bits}_16c4",
            Form.Lookup => $"qgemv_u8s{_bits}_lut16_32",
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
            if (_form == Form.Narrow && new C4Blocks16Narrow(ops.Rows, ops.Depth, _bits).Minima(ops.Centered) == null)
                return $"some output channel's weights span more than {1 << _bits} values, so B cannot be stored in {_bits} bits";
            if (_form == Form.Lookup && new Lut16Planes(ops.Rows, ops.Depth, _bits).Minima(ops.Centered) == null)
                return $"some output channel's weights span more than {1 << _bits} values, so B cannot be {_bits} bit-planes";
            return null;
        }

        public override string Describe(Node node) => _form switch
        {
            Form.WordPairs => "int8 matrix-vector product, B streamed in blocks of 16 output channels, exact 16-bit pairs (vpmaddwd; vpdpbusd with AVX-VNNI)",
            Form.Lookup => $"{_bits}-bit matrix-vector product by table lookup: per input, a table of 16 partial sums for each four activations; B as {_bits} bit-plane(s) of 4-bit patterns above each channel's minimum, 32 output channels a lookup (vpermw; byte shuffles without AVX-512)",
            Form.Narrow => $"{_bits}-bit matrix-vector product, B streamed {8 / _bits} weights a byte (above each channel's minimum) in blocks of 16 output channels, with AVX-VNNI each code masked in place and multiplied by the activations less 128 (vpdpbusd), else shifted down and masked in registers (vpmaddubsw)",
            _ => "int8 matrix-vector product, B streamed in blocks of 16 output channels, byte pairs (vpmaddubsw, proven not to saturate; vpdpbusd with AVX-VNNI)",
        };

        public override double EstimatedNanoseconds(Node node)
        {
            long rows = node.Inputs[0]!.Shape[0], k = K(node), n = N(node);
            long paddedMacs = rows * ((n + 15) / 16 * 16) * ((k + 3) / 4 * 4);
            // ~100 G MAC/s in cache (70 exact), and B streamed at ~20 GB/s once it exceeds the caches.
            double compute = paddedMacs / (_form == Form.WordPairs ? 70.0 : 100.0);
            double bytePairs = Math.Max(compute, k * n / 20.0) + rows * n * 0.3 + 100;
            // The packed forms as measured against the byte form (docs/benchmarks.md, "Packed GEMV"), plus
            // each row's own pass over its activations (the tables, or the activation sum).
            bool streams = k * n > 24 << 20;   // int8 B past the L3: the fewer bytes are what counts
            return _form switch
            {
                // The lookup form: one lookup per plane, 32 channels and 4 of k, so its time grows with the bits:
                // 0.34 / 0.60 / 0.89 / 1.22 of the byte form at 1 / 2 / 3 / 4 planes with B in the caches; past the
                // L3 it reads bits/8 of the bytes (not measured there: taken as bound by those bytes).
                Form.Lookup => bytePairs * (streams ? Math.Max(0.08 * _bits, _bits / 8.0 / 0.83) : 0.3 * _bits + 0.05) + rows * k / 2.0,
                // In the caches the codes masked in place (AVX-VNNI) take 0.65 / 0.55 / 0.6 of the byte form's
                // time at 4 / 2 / 1 bits (1 and 16 MB); past the L3 the 4-bit form takes 0.58x, the narrower
                // ones are bound by the unpacking.
                Form.Narrow => bytePairs * (streams ? (_bits == 4 ? 0.6 : 0.35) : _bits == 4 ? 0.65 : _bits == 2 ? 0.55 : 0.6) + rows * k / 32.0,
                _ => bytePairs,
            };
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
            if (_form == Form.Narrow || _form == Form.Lookup)
            {
                int[] minima;
                var padded = new Int32Vector((n + BlockRows - 1) / BlockRows * BlockRows);
                byte[] PerRow(int[] values) => padded.Pack(values.Concat(new int[padded.Count - n]).ToArray());
                if (_form == Form.Narrow)
                {
                    var narrow = new C4Blocks16Narrow(n, ops.Depth, _bits);
                    minima = narrow.Minima(ops.Centered)!;
                    constants.Add(new PackedConstant("weights", narrow, narrow.Pack(ops.Centered, minima)));
                    constants.Add(new PackedConstant("codeSums", padded, PerRow(narrow.CodeSums(ops.Centered, minima))));
                }
                else
                {
                    var planes = new Lut16Planes(n, ops.Depth, _bits);
                    minima = planes.Minima(ops.Centered)!;
                    constants.Add(new PackedConstant("weights", planes, planes.Pack(ops.Centered, minima)));
                }
                constants.Add(new PackedConstant("minima", padded, PerRow(minima)));
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

        public override long WorkspaceBytes(Node node) => SharedBytes(K(node)) + 4L * BlockRows * Blocks(N(node));

        private static long RowBytes(int k) => ((k + 3) / 4 * 4 + 63) / 64 * 64;

        /// <summary>The lookup form's tables: 32 16-bit entries for each four activations, in whole chunks of 16.</summary>
        private static long TableBytes(int k) => (k + 15) / 16 * 4 * 32 * 2;

        /// <summary>What the row's tiles share: the packed row, and in the lookup form its tables.</summary>
        private long SharedBytes(int k) => RowBytes(k) + (_form == Form.Lookup ? TableBytes(k) : 0);

        private int Blocks(int n) => (n + BlockRows - 1) / BlockRows;

        /// <summary>One row of A: it is packed once (and its tables built), and tiles of 16 or 32 output channels (a block of B) run on any thread.</summary>
        public override TileSplit? Split(LayerContext c)
        {
            int rows = c.In(0).Shape[0], k = c.In(0).Shape[1], n = c.Out(0).Shape[1];
            return rows == 1 ? new TileSplit(Blocks(n), SharedBytes(k), 4L * BlockRows * Blocks(n)) : null;
        }

        public override void Emit(LayerContext c)
        {
            var a = c.In(0);
            int rows = a.Shape[0], k = a.Shape[1], n = c.Out(0).Shape[1], quads = (k + 3) / 4, blocks = Blocks(n);
            bool tiled = rows == 1;
            bool signed = a.Type == ElementType.Int8 || a.Type == ElementType.Int4;
            int zx = a.Quant!.ZeroPoint[0] + (signed ? 128 : 0);
            string M = RuntimeNames.Marshal, K8 = RuntimeNames.Int8;
            string row = c.Local("row"), tables = _form == Form.Lookup ? c.Local("tables") : "";
            // The tiles of the lookup form read only the tables.
            if (_form != Form.Lookup || c.Part != LayerPart.Tiles)
                c.W.Line($"var {row} = {M}.Cast<byte, int>({c.Workspace}.Slice(0, {CSharp.Int(RowBytes(k))}));");
            if (_form == Form.Lookup)
                c.W.Line($"var {tables} = {M}.Cast<byte, ushort>({c.Workspace}.Slice({CSharp.Int(RowBytes(k))}, {CSharp.Int(TableBytes(k))}));");
            string input = a.Type == ElementType.UInt8 || a.Type == ElementType.UInt4 ? c.InName(0) : $"{M}.Cast<sbyte, byte>({c.InName(0)})";
            // The row packed into quads (and, for the lookup form, its tables built): once per row of A.
            void PackRow(string slice)
            {
                c.W.Line($"{K8}.RowPacker.Pack({slice}, {zx}, {(signed ? "0x80" : "0")}, {row});");
                if (_form == Form.Lookup)
                    c.W.Line($"{RuntimeNames.Lookup}.LookupGemv.BuildTables({row}.Slice(0, {quads}), {tables});");
            }
            if (c.EmitsPrologue && tiled)
            {
                PackRow(input);
                if (!c.EmitsTiles)
                    return;
            }

            string w = c.Local("w"), offsets = c.Local("offsets"), scales = c.Local("scales"), biases = c.Local("biases"), acc = c.Local("acc");
            bool unsigned = _form == Form.Narrow || _form == Form.Lookup;
            string minima = unsigned ? c.Local("minima") : "", codeSums = _form == Form.Narrow ? c.Local("codeSums") : "";
            if (unsigned)
            {
                c.W.Line($"var {w} = {c.Packed("weights")};");
                c.W.Line($"var {minima} = {M}.Cast<byte, int>({c.Packed("minima")});");
                if (_form == Form.Narrow)
                    c.W.Line($"var {codeSums} = {M}.Cast<byte, int>({c.Packed("codeSums")});");
            }
            else
                c.W.Line($"var {w} = {M}.Cast<byte, sbyte>({c.Packed("weights")});");
            c.W.Line($"var {offsets} = {M}.Cast<byte, int>({c.Packed("offsets")});");
            c.W.Line($"var {scales} = {M}.Cast<byte, double>({c.Packed("scales")});");
            c.W.Line($"var {biases} = {M}.Cast<byte, double>({c.Packed("biases")});");
            c.W.Line($"var {acc} = {M}.Cast<byte, int>({(tiled ? c.TileWorkspace : $"{c.Workspace}.Slice({CSharp.Int(SharedBytes(k))})")});");
            // The kernel call over blocks [first, first + count) of B.
            string Accumulate(string first, string count)
            {
                string weights = first == "0" ? w : $"{w}.Slice({first} * {BlockBytes(quads)})";
                string PerRow(string name) => first == "0" ? name : $"{name}.Slice({first} * {BlockRows})";
                string rowMinima = PerRow(minima);
                return _form switch
                {
                    Form.Lookup => $"{RuntimeNames.Lookup}.LookupGemv.Accumulate({_bits}, {tables}, {weights}, {rowMinima}, {count}, {acc});",
                    Form.Narrow => $"{K8}.NarrowGemvKernel.Accumulate({_bits}, {row}.Slice(0, {quads}), {weights}, {rowMinima}, {PerRow(codeSums)}, {count}, {acc});",
                    _ => $"{K8}.GemvKernel.Accumulate<{K8}.{Dot}>({row}.Slice(0, {quads}), {weights}, {count}, {acc});",
                };
            }
            if (c.Part == LayerPart.Tiles)
            {
                // Tiles [start, end) are blocks of B, output channels [n0, n1).
                string n0 = c.Local("n0"), n1 = c.Local("n1");
                c.W.Line($"int {n0} = {c.TileStart} * {BlockRows}, {n1} = {RuntimeNames.Math}.Min({c.TileEnd} * {BlockRows}, {n});");
                c.W.Line(Accumulate(c.TileStart, $"{c.TileEnd} - {c.TileStart}"));
                c.W.Line(KernelEpilogue.Call("Lanes", c.Out(0), c.Step.Activation, $"{acc}.Slice(0, {n1} - {n0})", $"{offsets}.Slice({n0})", $"{scales}.Slice({n0})", $"{biases}.Slice({n0})",
                    $"{c.OutName(0)}.Slice({n0}, {n1} - {n0})"));
                return;
            }
            using var loop = Affine.Loop(c, "i", rows);
            string i = loop.Index;
            if (!tiled)
                PackRow($"{input}.Slice({Affine.Term(i, k)}, {k})");
            c.W.Line(Accumulate("0", CSharp.Int(blocks)));
            c.W.Line(KernelEpilogue.Call("Lanes", c.Out(0), c.Step.Activation, $"{acc}.Slice(0, {n})", offsets, scales, biases, $"{c.OutName(0)}.Slice({Affine.Term(i, n)}, {n})"));
        }

        /// <summary>Bytes of one block of packed B.</summary>
        private int BlockBytes(int quads) => _form switch
        {
            Form.Lookup => _bits * ((quads + 3) / 4) * Lut16Planes.BlockRows * 2,
            Form.Narrow => (quads + 8 / _bits - 1) / (8 / _bits) * 64,
            _ => quads * 64,
        };

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
