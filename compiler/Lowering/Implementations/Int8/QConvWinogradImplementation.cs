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
    /// A narrow quantised 3×3 stride-1 Conv (group 1) by exact integer Winograd F(2x2, 3x3) on
    /// <c>Runtime.Kernels.Int8.WinogradConv</c>: 16 u8 × s8 products per 2×2 outputs and channel
    /// instead of 36. It applies where the transforms stay in a byte: activations proven at most
    /// <see cref="MaxActivationBits"/> bits wide (codes <c>x' = x - lo</c>, the padding's code among
    /// them), and every transformed weight <c>G' c G'ᵀ</c> (<c>G' = 2G</c>) in s8, which 4-bit
    /// weights always are. The transforms, the sums and the shift by 2 are integer: bit-exact.
    /// The packed offsets add <c>-(zx - lo) · Σ c</c>, which makes the sums the int8 kernels'
    /// <c>Σ (x - zx)·c</c>, and the channels-in-lanes epilogue finishes them.
    /// </summary>
    public sealed class QConvWinogradImplementation : LayerImplementation
    {
        private const string Kernel = RuntimeNames.Int8 + ".WinogradConv";

        /// <summary>Codes in [0, R] transform into [-2R, 4R]; lifted by 2R they fit a byte while 6R ≤ 255.</summary>
        public const int MaxActivationBits = 5;

        public override string Name => "qconv_winograd_f2x3_u8s8";

        /// <summary>What the proofs give: the width, the code offset and padding code, the dot form, the operands and the checked transformed weights.</summary>
        private sealed record Codes(int ActivationBits, int CodeOffset, int PadCode, bool Exact, Int8Operands Ops, int[] Transformed)
        {
            public int Lift => 2 * ((1 << ActivationBits) - 1);
        }

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            var problem = Int8Operands.ConvProblem(node, grouped: false);
            if (problem != null)
                return problem;
            return Analyse(node, out string whyNot) == null ? whyNot : null;
        }

        public override string Describe(Node node) =>
            $"exact integer Winograd F(2x2, 3x3) for A{Analyse(node, out _)!.ActivationBits} codes: input and filters transformed into bytes, 16 u8 x s8 products a tile (vpdpbusd), 4 tiles x 16 filters a register tile";

        public override double EstimatedNanoseconds(Node node)
        {
            var g = GeometryOf(node);
            long batch = node.Inputs[0]!.Shape[0];
            long virtualMacs = (long)g.Groups * TilesPerGroup * 16 * g.Quads * 4 * g.Blocks * 16;
            // Measured on one Zen 4 core with AVX-VNNI (the Fashion CNN's two 3x3 convs, 32->64 on 14x14 and
            // 64->64 on 7x7; docs/benchmarks.md): the products and the output transform ~170 G MAC/s of
            // the padded tiles and channels, laying the image out ~0.35 ns an input code, the input
            // transform ~10 ns a tile per 16 channels; the epilogue ~0.2 ns an output in single
            // precision (~0.8 with the exact form's scatter).
            double epilogue = FastRequantization.Applies(node.Outputs[0], node.Activation) ? 0.2 : 0.8;
            return batch * (virtualMacs / 170.0 + 0.35 * g.Channels * g.Height * g.Width + 10.0 * g.Tiles * (g.Quads / 4)
                + (double)g.OutHeight * g.OutWidth * g.Filters * epilogue) + 300;
        }

        public override IEnumerable<PlanAttribute> Lower(Node node)
        {
            var codes = Analyse(node, out string why) ?? throw node.Error("internal: " + why);
            return ConvEmitter.Lowered(node, node.Inputs[0]!, node.Inputs[1]!).Concat(new[]
            {
                PlanAttribute.Of("activation-bits", codes.ActivationBits),
                PlanAttribute.Of("code-offset", codes.CodeOffset),
                PlanAttribute.Of("pad-code", codes.PadCode),
                PlanAttribute.Of("exact", codes.Exact ? 1 : 0),
            });
        }

        public override bool ReplacesInput(Node node, int input) => input == 1 || input == 2;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            var codes = Analyse(node, out string why) ?? throw node.Error("internal: " + why);
            var ops = codes.Ops;
            var g = GeometryOf(node);
            var transformed = codes.Transformed;
            var layout = new WinogradBlocks16(ops.Rows, g.Channels);
            int lanes = g.Blocks * 16;
            var corrections = new int[4 * lanes];
            for (int r = 0; r < ops.Rows; r++)
            {
                var k = new long[16];
                for (int c = 0; c < g.Channels; c++)
                    for (int e = 0; e < 16; e++)
                        k[e] += (long)codes.Lift * transformed[(r * g.Channels + c) * 16 + e];
                for (int d = 0; d < 4; d++)
                {
                    long sum = 0;
                    for (int e = 0; e < 16; e++)
                        sum += At(d / 2, e / 4) * At(d % 2, e % 4) * k[e];
                    corrections[d * lanes + r] = checked((int)sum);
                }
            }
            var offsets = new int[ops.Rows];
            for (int r = 0; r < ops.Rows; r++)
                offsets[r] = checked((int)(-codes.PadCode * ops.RowSum(r)));
            var perRow = new Int32Vector(ops.Rows);
            var perLane = new Int32Vector(4 * lanes);
            var biases = Int8Operands.Biases(node.Input(2), ops.Rows, 1).Select(v => v == 0 ? 0.0 : v).ToArray();
            return new[]
            {
                new PackedConstant("weights", layout, layout.Pack(transformed)),
                new PackedConstant("corrections", perLane, perLane.Pack(corrections)),
                new PackedConstant("offsets", perRow, perRow.Pack(offsets)),
            }.Concat(ops.PackLanesEpilogue(biases, ops.FastRequantization(node.Outputs[0], biases, node.Activation))).ToArray();
        }

        public override long WorkspaceBytes(Node node)
        {
            var g = GeometryOf(node);
            return Workspace(g).Total + PixelEpilogue.LineBytes(node.Outputs[0].Type, g.Filters);
        }

        public override void Emit(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var win = loops.Window;
            var g = new Geometry(loops.Channels, loops.Filters, win.Input[0], win.Input[1], win.Output[0], win.Output[1]);
            var x = c.In(0);
            int bits = (int)c.Step.Int("activation-bits");
            string M = RuntimeNames.Marshal;
            var space = Workspace(g);
            string plane = c.Local("plane"), tiles = c.Local("tiles"), products = c.Local("products"), sums = c.Local("sums");
            c.W.Line($"var {plane} = {c.Workspace}.Slice({CSharp.Int(space.Plane.At)}, {CSharp.Int(space.Plane.Bytes)});");
            c.W.Line($"var {tiles} = {c.Workspace}.Slice({CSharp.Int(space.Tiles.At)}, {CSharp.Int(space.Tiles.Bytes)});");
            c.W.Line($"var {products} = {M}.Cast<byte, int>({c.Workspace}.Slice({CSharp.Int(space.Products.At)}, {CSharp.Int(space.Products.Bytes)}));");
            c.W.Line($"var {sums} = {M}.Cast<byte, int>({c.Workspace}.Slice({CSharp.Int(space.Sums.At)}, {CSharp.Int(space.Sums.Bytes)}));");
            string line = $"{c.Workspace}.Slice({CSharp.Int(space.Total)}, {CSharp.Int(PixelEpilogue.LineBytes(c.Out(0).Type, g.Filters))})";
            string weights = c.Local("weights"), corrections = c.Local("corrections"), offsets = c.Local("offsets"), scales = c.Local("scales"), biases = c.Local("biases");
            c.W.Line($"var {weights} = {M}.Cast<byte, sbyte>({c.Packed("weights")});");
            c.W.Line($"var {corrections} = {M}.Cast<byte, int>({c.Packed("corrections")});");
            c.W.Line($"var {offsets} = {M}.Cast<byte, int>({c.Packed("offsets")});");
            c.W.Line($"var {scales} = {M}.Cast<byte, double>({c.Packed("scales")});");
            c.W.Line($"var {biases} = {M}.Cast<byte, double>({c.Packed("biases")});");

            bool signed = x.Type == ElementType.Int8;
            string input = signed ? $"{M}.Cast<sbyte, byte>({c.InName(0)})" : c.InName(0);
            int imageBytes = g.Channels * g.Height * g.Width;
            string dot = c.Step.Int("exact") != 0 ? "WordPairs" : "BytePairs";
            using var image = Affine.Loop(c, "b", loops.Batch);
            if (loops.Batch > 1)
                input = $"{input}.Slice({Affine.Term(image.Index, imageBytes)}, {imageBytes})";
            c.W.Line($"{Kernel}.Transform({input}, {g.Channels}, {g.Height}, {g.Width}, {win.PadBegin[0]}, {win.PadBegin[1]}, {g.TilesH}, {g.TilesW}, {g.Quads}, " +
                $"{(signed ? "0x80" : "0")}, {c.Step.Int("code-offset")}, {c.Step.Int("pad-code")}, {2 * ((1 << bits) - 1)}, {plane}, {tiles});");
            c.W.Line($"{Kernel}.Accumulate<{RuntimeNames.Int8}.{dot}>({tiles}, {g.TilesH}, {g.TilesW}, {g.Quads}, {weights}, {g.Blocks}, {corrections}, " +
                $"{g.OutHeight}, {g.OutWidth}, {products}, {sums});");
            PixelEpilogue.Emit(c, line, sums, g.Blocks * 16, g.Filters, g.OutHeight * g.OutWidth, image.Index, offsets, scales, biases);
        }

        /// <summary><c>G' c G'ᵀ</c> of every (filter, channel) as <c>[rows, channels, 16]</c>.</summary>
        private static int[] Transformed(Int8Operands ops, int channels)
        {
            var u = new int[ops.Rows * channels * 16];
            for (int r = 0; r < ops.Rows; r++)
                for (int c = 0; c < channels; c++)
                    for (int e = 0; e < 16; e++)
                    {
                        int sum = 0;
                        for (int a = 0; a < 3; a++)
                            for (int b = 0; b < 3; b++)
                                sum += G2[e / 4, a] * ops.Centered[r * ops.Depth + c * 9 + a * 3 + b] * G2[e % 4, b];
                        u[(r * channels + c) * 16 + e] = sum;
                    }
            return u;
        }

        /// <summary>Rows of G' = 2G: integral, so the filter transform is four times Lavin's.</summary>
        private static readonly int[,] G2 = { { 2, 0, 0 }, { 1, 1, 1 }, { 1, -1, 1 }, { 0, 0, 2 } };

        /// <summary>Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]].</summary>
        private static int At(int row, int column) => row == 0 ? (column == 3 ? 0 : 1) : (column == 0 ? 0 : column == 1 ? 1 : -1);

        /// <summary>The proofs: a 3×3 stride-1 window, activation codes of at most 5 bits, transformed weights in s8, int32 sums.</summary>
        private static Codes? Analyse(Node node, out string whyNot)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            if (x.Type != ElementType.UInt8 && x.Type != ElementType.Int8)
            {
                whyNot = $"the input is {x.Type.ShortName()}, not u8 or s8";
                return null;
            }
            var win = ConvArithmetic.Infer(node, x, w, out _);
            if (win.Kernel[0] != 3 || win.Kernel[1] != 3 || win.Strides.Any(s => s != 1) || win.Dilations.Any(d => d != 1))
            {
                whyNot = "not a 3x3 stride-1 undilated window";
                return null;
            }
            int rows = w.Shape[0], depth = Shape.Size(w.Shape) / rows;
            var ops = Int8Operands.Analyse(x, w, rows, depth, (r, d) => r * depth + d, out whyNot);
            if (ops == null)
                return null;
            var (bits, offset) = QGemvBitSerialImplementation.ActivationWidth(x);
            if (bits > MaxActivationBits)
            {
                whyNot = $"the activation is not proven narrower than {MaxActivationBits + 1} bits ({bits}): its transform overflows a byte";
                return null;
            }
            int codeOffset = offset + (x.Type == ElementType.Int8 ? 128 : 0), padCode = ops.InputZero - codeOffset;
            if (padCode < 0 || padCode >> bits != 0)
            {
                whyNot = $"the input's zero point lies outside its proven {bits}-bit codes";
                return null;
            }
            int channels = w.Shape[1], top = 6 * ((1 << bits) - 1);
            var u = Transformed(ops, channels);
            int largest = u.Length == 0 ? 0 : u.Max(Math.Abs);
            if (u.Any(v => v < sbyte.MinValue || v > sbyte.MaxValue))
            {
                whyNot = $"a transformed weight ({largest}) leaves s8: the weights are wider than 4 bits";
                return null;
            }
            // Nine products of a channel sum go into one output (before the shift), over every channel of a padded row.
            if ((long)QuadsOf(channels) * 4 * top * largest * 9 > int.MaxValue)
            {
                whyNot = "a sum of the transformed products can overflow int32";
                return null;
            }
            // vpmaddubsw adds channels 2k and 2k+1 in int16.
            bool exact = false;
            for (int r = 0; r < rows && !exact; r++)
                for (int c = 0; c + 1 < channels && !exact; c += 2)
                    for (int e = 0; e < 16; e++)
                        if (top * (Math.Abs(u[(r * channels + c) * 16 + e]) + Math.Abs(u[(r * channels + c + 1) * 16 + e])) > short.MaxValue)
                        {
                            exact = true;
                            break;
                        }
            whyNot = "";
            return new Codes(bits, codeOffset, padCode, exact, ops, u);
        }

        private static Geometry GeometryOf(Node node)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            ConvArithmetic.Infer(node, x, w, out int[] y);
            return new Geometry(x.Shape[1], w.Shape[0], x.Shape[2], x.Shape[3], y[2], y[3]);
        }

        /// <summary>The runtime's <c>WinogradConv.TilesPerGroup</c>: tiles whose products are computed together.</summary>
        private const int TilesPerGroup = 4;

        /// <summary>The runtime's <c>WinogradConv.ProductInts</c>: one group's products, 16 elements × 4 tiles × 16 filters.</summary>
        private const int ProductInts = 16 * TilesPerGroup * 16;

        /// <summary>The runtime's <c>WinogradConv.Quads</c>: channels padded to whole 16-byte rows.</summary>
        private static int QuadsOf(int channels) => (channels + 15) / 16 * 4;

        private readonly record struct Slice(long At, long Bytes);

        private readonly record struct Space(Slice Plane, Slice Tiles, Slice Products, Slice Sums, long Total);

        private static Space Workspace(Geometry g)
        {
            long at = 0;
            Slice Take(long bytes)
            {
                var s = new Slice(at, bytes);
                at += MemoryPlanner.Align(bytes);
                return s;
            }
            var plane = Take((2L * g.TilesH + 2) * (2L * g.TilesW + 2) * 4 * g.Quads);
            var tiles = Take((long)g.Groups * 16 * TilesPerGroup * 4 * g.Quads);
            var products = Take(4L * ProductInts);
            var sums = Take(4L * g.OutHeight * g.OutWidth * g.Blocks * 16);
            return new Space(plane, tiles, products, sums, at);
        }

        /// <summary>The image, the tiles and the blocks of filters.</summary>
        private sealed record Geometry(int Channels, int Filters, int Height, int Width, int OutHeight, int OutWidth)
        {
            public int TilesH => (OutHeight + 1) / 2;

            public int TilesW => (OutWidth + 1) / 2;

            public int Tiles => TilesH * TilesW;

            public int Groups => (Tiles + TilesPerGroup - 1) / TilesPerGroup;

            public int Quads => QuadsOf(Channels);

            public int Blocks => (Filters + 15) / 16;
        }
    }
}
