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
    /// A quantised Conv (group 1) whose activations and weights the compiler proves at most 3 bits
    /// wide, on <c>Runtime.Kernels.Lookup.LowBitConv</c>: groups of g = 6 / max(bits) channels of a
    /// tap make 6-bit indices (the weights, <see cref="Lut64Indices"/>) into 64-entry tables of a
    /// bank built at build time (<see cref="Lut64Bank"/>), chosen by the pixel's activation codes;
    /// one <c>vpermb</c> does g multiply-adds for 64 output channels. Exact.
    /// <para>The codes: activations <c>x' = x - lo</c> from the width the front end proved (as for
    /// the bit-serial GEMV; the padding's code <c>zx - lo</c> must lie in range too); each output
    /// channel's centred weights <c>c = min + step · w'</c>, its smallest weight and the greatest
    /// common divisor of the distances above it, so binary weights {-1, +1} take one bit (step 2)
    /// and ternary ones two. The kernel gives <c>Σ x'·c</c>; the packed offsets add
    /// <c>(lo - zx) · Σ c</c>, which makes it the int8 kernels' <c>Σ (x - zx)·c</c>, and the
    /// channels-in-lanes epilogue finishes it.</para>
    /// </summary>
    public sealed class QConvLowBitImplementation : LayerImplementation
    {
        private const string Lookup = RuntimeNames.Kernels + ".Lookup";

        /// <summary>The widest codes: two 3-bit codes fill a 6-bit index.</summary>
        public const int MaxBits = 3;

        /// <summary>Output pixels of one kernel tile: the runtime's <c>LowBitConv.PixelsPerTile</c>.</summary>
        public const int PixelsPerTile = 8;

        public override string Name => "qconv_lowbit_lut64_8x64";

        /// <summary>What the proofs give: the widths, the activation's code offset and padding code, each row's weight codes.</summary>
        private sealed record Codes(int ActivationBits, int WeightBits, int CodeOffset, int PadCode, int[] Minima, int[] Steps, int[] WeightCodes, Int8Operands Ops)
        {
            public int GroupSize => 6 / Math.Max(ActivationBits, WeightBits);
        }

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            var problem = Int8Operands.ConvProblem(node, grouped: false);
            if (problem != null)
                return problem;
            return Analyse(node, out string whyNot) == null ? whyNot : null;
        }

        public override string Describe(Node node)
        {
            var codes = Analyse(node, out _)!;
            return $"low-bit conv W{codes.WeightBits}A{codes.ActivationBits} by table lookup: {codes.GroupSize} codes a 6-bit index into 64-entry tables (vpermb), 8 pixels x 64 output channels a tile";
        }

        public override double EstimatedNanoseconds(Node node)
        {
            var codes = Analyse(node, out _)!;
            var g = GeometryOf(node, codes);
            long batch = node.Inputs[0]!.Shape[0];
            // Measured on one Zen 4 core (3x3, 64->64 on 56x56; docs/benchmarks.md): ~0.4 ns a lookup
            // of 64 channels, eight pixels a tile (a row's last tile computes all eight), a little
            // more where the byte sums widen often (W1A1, W2A2 ~0.38-0.40 ns; W3A3, every 2 groups, 0.43);
            // packing ~0.1 ns an input code; ~7 ns a pixel for its window sum and finish; the
            // epilogue ~0.2 ns an output in single precision (~0.8 with the exact form's scatter); and ~0.5 µs
            // a row for the calls of the row kernel and its epilogue (the Fashion CNN's W2A2 convs on 14x14
            // and 7x7 took ~11 µs more than the rest of this estimate, against Winograd's on the same layers).
            long tiles = (long)g.OutHeight * ((g.OutWidth + PixelsPerTile - 1) / PixelsPerTile);
            double lookups = (double)tiles * PixelsPerTile * g.Blocks * g.Groups;
            double epilogue = FastRequantization.Applies(node.Outputs[0], node.Activation) ? 0.2 : 0.8;
            return batch * (lookups * (0.38 + 0.1 / g.GroupsPerFlush) + (double)g.Channels * g.Height * g.Width * 0.1 + (double)g.OutHeight * g.OutWidth * (g.Filters * epilogue + 7 * g.Blocks) + 540.0 * g.OutHeight) + 300;
        }

        public override IEnumerable<PlanAttribute> Lower(Node node)
        {
            var codes = Analyse(node, out string why) ?? throw node.Error("internal: " + why);
            return ConvEmitter.Lowered(node, node.Inputs[0]!, node.Inputs[1]!).Concat(new[]
            {
                PlanAttribute.Of("activation-bits", codes.ActivationBits),
                PlanAttribute.Of("weight-bits", codes.WeightBits),
                PlanAttribute.Of("code-offset", codes.CodeOffset),
                PlanAttribute.Of("pad-code", codes.PadCode),
            });
        }

        public override bool ReplacesInput(Node node, int input) => input == 1 || input == 2;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            var codes = Analyse(node, out string why) ?? throw node.Error("internal: " + why);
            var g = GeometryOf(node, codes);
            var ops = codes.Ops;
            int rows = ops.Rows, lanes = g.Blocks * Lut64Indices.BlockRows;
            // The kernel's codes are [rows, taps, channels]; ONNX's depth index is c · taps + t.
            var reordered = new int[rows * g.Taps * g.Channels];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < g.Channels; c++)
                    for (int t = 0; t < g.Taps; t++)
                        reordered[(r * g.Taps + t) * g.Channels + c] = codes.WeightCodes[r * ops.Depth + c * g.Taps + t];
            var offsets = new int[rows];
            for (int r = 0; r < rows; r++)
                offsets[r] = unchecked((int)(-codes.PadCode * ops.RowSum(r)));
            var indices = new Lut64Indices(rows, g.Taps, g.Channels, codes.WeightBits, codes.GroupSize);
            var bank = new Lut64Bank(codes.ActivationBits, codes.WeightBits, codes.GroupSize);
            var perLane = new Int32Vector(lanes);
            var perRow = new Int32Vector(rows);
            var biases = Int8Operands.Biases(node.Input(2), rows, 1).Select(v => v == 0 ? 0.0 : v).ToArray();
            return new[]
            {
                new PackedConstant("indices", indices, indices.Pack(reordered)),
                new PackedConstant("bank", bank, bank.Pack()),
                new PackedConstant("steps", perLane, perLane.Pack(Padded(codes.Steps, lanes))),
                new PackedConstant("minima", perLane, perLane.Pack(Padded(codes.Minima, lanes))),
                new PackedConstant("offsets", perRow, perRow.Pack(offsets)),
            }.Concat(ops.PackLanesEpilogue(biases, ops.FastRequantization(node.Outputs[0], biases, node.Activation))).ToArray();
        }

        private static int[] Padded(int[] values, int length)
        {
            var padded = new int[length];
            values.CopyTo(padded, 0);
            return padded;
        }

        public override long WorkspaceBytes(Node node)
        {
            var g = GeometryOf(node, Analyse(node, out _)!);
            return g.SharedBytes + TileBytes(g, node.Outputs[0].Type);
        }

        /// <summary>A range of output rows: its sums, one row at a time, and the epilogue's line.</summary>
        private static long TileBytes(Geometry g, ElementType output) =>
            MemoryPlanner.Align(4L * g.OutWidth * g.Blocks * Lut64Indices.BlockRows) + PixelEpilogue.LineBytes(output, g.Filters);

        /// <summary>One image: the selectors are packed once, then threads take ranges of output rows.</summary>
        public override TileSplit? Split(LayerContext c)
        {
            if (c.InShape(0)[0] != 1)
                return null;
            var g = GeometryOf(c);
            return new TileSplit(g.OutHeight, g.SharedBytes, TileBytes(g, c.Out(0).Type));
        }

        public override void Emit(LayerContext c)
        {
            var g = GeometryOf(c);
            var x = c.In(0);
            int batch = c.InShape(0)[0];
            bool tiled = batch == 1;
            string M = RuntimeNames.Marshal, span = RuntimeNames.ReadOnlySpan;
            int lanes = g.Blocks * Lut64Indices.BlockRows;

            // The shared workspace: the bank and the indices copied to 64-byte boundaries (a table
            // split across two cache lines costs the lookup twice), the selector planes and the sums.
            string bank = c.Local("bank"), indices = c.Local("indices"), selectors = c.Local("selectors"), sums = c.Local("sums");
            long at = 0;
            string Take(long bytes)
            {
                string slice = $"{c.Workspace}.Slice({CSharp.Int(at)}, {CSharp.Int(bytes)})";
                at += MemoryPlanner.Align(bytes);
                return slice;
            }
            c.W.Line($"var {bank} = {Take(g.BankBytes)};");
            c.W.Line($"var {indices} = {Take(g.IndexBytes)};");
            c.W.Line($"var {selectors} = {M}.Cast<byte, ushort>({Take(2L * g.SelectorLength)});");
            c.W.Line($"var {sums} = {M}.Cast<byte, ushort>({Take(2L * g.PlanePixels)});");

            void PackImage(string image)
            {
                bool signed = x.Type == ElementType.Int8;
                string input = signed ? $"{M}.Cast<sbyte, byte>({c.InName(0)})" : c.InName(0);
                int imageBytes = g.Channels * g.Height * g.Width;
                if (batch > 1)
                    input = $"{input}.Slice({Affine.Term(image, imageBytes)}, {imageBytes})";
                c.W.Line($"{Lookup}.LowBitConv.PackSelectors({input}, {g.Channels}, {g.Height}, {g.Width}, {g.PadTop}, {g.PadLeft}, {g.PlaneHeight}, {g.PlaneWidth}, " +
                    $"{(signed ? "0x80" : "0")}, {c.Step.Int("code-offset")}, {c.Step.Int("pad-code")}, {g.ActivationBits}, {g.GroupSize}, {selectors}, {sums});");
            }

            if (c.EmitsPrologue)
            {
                c.W.Line($"{c.Packed("bank")}.CopyTo({bank});");
                c.W.Line($"{c.Packed("indices")}.CopyTo({indices});");
                if (tiled)
                    PackImage("0");
                if (!c.EmitsTiles)
                    return;
            }
            string groupOffsets = c.Local("groupOffsets"), taps = c.Local("taps");
            c.W.Line($"{span}<int> {groupOffsets} = {CSharp.IntArray(g.GroupOffsets)};");
            c.W.Line($"{span}<int> {taps} = {CSharp.IntArray(g.TapOffsets)};");
            string steps = c.Local("steps"), minima = c.Local("minima"), offsets = c.Local("offsets"), scales = c.Local("scales"), biases = c.Local("biases");
            c.W.Line($"var {steps} = {M}.Cast<byte, int>({c.Packed("steps")});");
            c.W.Line($"var {minima} = {M}.Cast<byte, int>({c.Packed("minima")});");
            c.W.Line($"var {offsets} = {M}.Cast<byte, int>({c.Packed("offsets")});");
            c.W.Line($"var {scales} = {M}.Cast<byte, double>({c.Packed("scales")});");
            c.W.Line($"var {biases} = {M}.Cast<byte, double>({c.Packed("biases")});");
            string own = tiled ? c.TileWorkspace : $"{c.Workspace}.Slice({CSharp.Int(g.SharedBytes)})";
            long accBytes = 4L * g.OutWidth * lanes;
            string acc = c.Local("acc");
            c.W.Line($"var {acc} = {M}.Cast<byte, int>({own}.Slice(0, {CSharp.Int(accBytes)}));");
            string line = $"{own}.Slice({CSharp.Int(MemoryPlanner.Align(accBytes))}, {CSharp.Int(PixelEpilogue.LineBytes(c.Out(0).Type, g.Filters))})";

            using var image = Affine.Loop(c, "b", batch);
            if (!tiled)
                PackImage(image.Index);
            string row = c.Local("row");
            string fromRow = tiled ? c.TileStart : "0", toRow = tiled ? c.TileEnd : CSharp.Int(g.OutHeight);
            using (c.W.Block($"for (int {row} = {fromRow}; {row} < {toRow}; {row}++)"))
            {
                string first = $"{row} * {g.OutWidth}", end = $"{row} * {g.OutWidth} + {g.OutWidth}";
                c.W.Line($"{Lookup}.LowBitConv.Accumulate({selectors}, {sums}, {groupOffsets}, {taps}, {bank}, {g.GroupsPerFlush}, {indices}, {g.Blocks}, {steps}, {minima}, " +
                    $"{g.PlaneWidth}, {g.OutWidth}, {g.StrideH}, {g.StrideW}, {first}, {end}, {acc});");
                PixelEpilogue.Emit(c, line, acc, lanes, g.Filters, g.OutHeight * g.OutWidth, image.Index, offsets, scales, biases, first, end);
            }
        }

        private static Geometry GeometryOf(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var win = loops.Window;
            return new Geometry(loops.Channels, loops.Filters, win.Input[0], win.Input[1], win.Kernel, win.Strides, win.Dilations, win.PadBegin, win.Output[0], win.Output[1],
                (int)c.Step.Int("activation-bits"), (int)c.Step.Int("weight-bits"));
        }

        private static Geometry GeometryOf(Node node, Codes codes)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            var win = ConvArithmetic.Infer(node, x, w, out int[] y);
            return new Geometry(x.Shape[1], w.Shape[0], x.Shape[2], x.Shape[3], win.Kernel, win.Strides, win.Dilations, win.PadBegin, y[2], y[3], codes.ActivationBits, codes.WeightBits);
        }

        /// <summary>The proofs: activation codes and weight codes of at most <see cref="MaxBits"/> bits, and 16-bit channel sums.</summary>
        private static Codes? Analyse(Node node, out string whyNot)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            if (x.Type != ElementType.UInt8 && x.Type != ElementType.Int8)
            {
                whyNot = $"the input is {x.Type.ShortName()}, not u8 or s8";
                return null;
            }
            int rows = w.Shape[0], depth = Shape.Size(w.Shape) / rows;
            var ops = Int8Operands.Analyse(x, w, rows, depth, (r, d) => r * depth + d, out whyNot);
            if (ops == null)
                return null;
            var (bitsA, offset) = QGemvBitSerialImplementation.ActivationWidth(x);
            if (bitsA > MaxBits)
            {
                whyNot = $"the activation is not proven narrower than {MaxBits + 1} bits ({bitsA})";
                return null;
            }
            // In the kernels' unsigned domain (s8 flipped by 128): codes x - lo, the padding zx - lo.
            int codeOffset = offset + (x.Type == ElementType.Int8 ? 128 : 0), padCode = ops.InputZero - codeOffset;
            if (padCode < 0 || padCode >> bitsA != 0)
            {
                whyNot = $"the input's zero point lies outside its proven {bitsA}-bit codes";
                return null;
            }
            var minima = new int[rows];
            var steps = new int[rows];
            var weightCodes = new int[rows * depth];
            int bitsW = 1;
            for (int r = 0; r < rows; r++)
            {
                var row = new ArraySegment<int>(ops.Centered, r * depth, depth);
                minima[r] = row.Min();
                int step = 0;
                foreach (int c in row)
                    step = Gcd(step, c - minima[r]);
                steps[r] = Math.Max(step, 1);
                for (int d = 0; d < depth; d++)
                {
                    int code = (ops.Centered[r * depth + d] - minima[r]) / steps[r];
                    weightCodes[r * depth + d] = code;
                    while (code >> bitsW != 0)
                        bitsW++;
                }
            }
            if (bitsW > MaxBits)
            {
                whyNot = $"some output channel's weights take {bitsW} bits above its smallest (in steps of their common divisor)";
                return null;
            }
            // The kernel's 16-bit sums of Σ x'·w'.
            if ((long)depth * ((1 << bitsA) - 1) * ((1 << bitsW) - 1) > ushort.MaxValue)
            {
                whyNot = $"a window of {depth} codes at W{bitsW}A{bitsA} can exceed the kernel's 16-bit sums";
                return null;
            }
            whyNot = "";
            return new Codes(bitsA, bitsW, codeOffset, padCode, minima, steps, weightCodes, ops);
        }

        private static int Gcd(int a, int b)
        {
            while (b != 0)
                (a, b) = (b, a % b);
            return Math.Abs(a);
        }

        /// <summary>The padded plane as far as the windows reach, the groups, and the workspace they take.</summary>
        private sealed class Geometry
        {
            public Geometry(int channels, int filters, int height, int width, int[] kernel, int[] strides, int[] dilations, int[] padBegin, int outHeight, int outWidth,
                int activationBits, int weightBits)
            {
                Channels = channels;
                Filters = filters;
                Height = height;
                Width = width;
                OutHeight = outHeight;
                OutWidth = outWidth;
                PadTop = padBegin[0];
                PadLeft = padBegin[1];
                StrideH = strides[0];
                StrideW = strides[1];
                ActivationBits = activationBits;
                GroupSize = 6 / Math.Max(activationBits, weightBits);
                GroupsPerFlush = 255 / (GroupSize * ((1 << activationBits) - 1) * ((1 << weightBits) - 1));
                PlaneHeight = (outHeight - 1) * strides[0] + dilations[0] * (kernel[0] - 1) + 1;
                PlaneWidth = (outWidth - 1) * strides[1] + dilations[1] * (kernel[1] - 1) + 1;
                Taps = kernel[0] * kernel[1];
                int groupsPerTap = (channels + GroupSize - 1) / GroupSize;
                Groups = Taps * groupsPerTap;
                Blocks = (filters + Lut64Indices.BlockRows - 1) / Lut64Indices.BlockRows;
                TapOffsets = new int[Taps];
                GroupOffsets = new int[Groups];
                for (int t = 0; t < Taps; t++)
                {
                    TapOffsets[t] = t / kernel[1] * dilations[0] * PlaneWidth + t % kernel[1] * dilations[1];
                    for (int cg = 0; cg < groupsPerTap; cg++)
                        GroupOffsets[t * groupsPerTap + cg] = cg * PlanePixels + TapOffsets[t];
                }
                // The runtime's LowBitConv.SelectorLength: the planes and a row's last tile's reads past them.
                SelectorLength = groupsPerTap * PlanePixels + (PixelsPerTile - 1) * StrideW;
                BankBytes = (1 << GroupSize * activationBits) * Lut64Bank.TableBytes;
                IndexBytes = (long)Blocks * Groups * Lut64Indices.BlockRows;
                SharedBytes = MemoryPlanner.Align(BankBytes) + MemoryPlanner.Align(IndexBytes) + MemoryPlanner.Align(2L * SelectorLength) + MemoryPlanner.Align(2L * PlanePixels);
            }

            public int Channels { get; }

            public int Filters { get; }

            public int Height { get; }

            public int Width { get; }

            public int OutHeight { get; }

            public int OutWidth { get; }

            public int PadTop { get; }

            public int PadLeft { get; }

            public int StrideH { get; }

            public int StrideW { get; }

            public int ActivationBits { get; }

            public int GroupSize { get; }

            /// <summary>Groups whose byte sums cannot overflow: 255 over the largest table entry.</summary>
            public int GroupsPerFlush { get; }

            public int PlaneHeight { get; }

            public int PlaneWidth { get; }

            public int PlanePixels => PlaneHeight * PlaneWidth;

            public int Taps { get; }

            public int Groups { get; }

            public int Blocks { get; }

            public int[] TapOffsets { get; }

            /// <summary>Each group's selector relative to a window's first pixel: its channel group's plane and its tap.</summary>
            public int[] GroupOffsets { get; }

            public int SelectorLength { get; }

            public long BankBytes { get; }

            public long IndexBytes { get; }

            public long SharedBytes { get; }
        }
    }
}
