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
    /// A quantised depthwise Conv (channel multiplier 1) with channels in the vector lanes, on
    /// <c>Runtime.Kernels.Int8.DepthwiseChannelsKernel</c>: the input transposed once into a padded
    /// channels-last float plane, fused multiply-adds of 16 channels per tap for four output pixels
    /// at a time (two below 512 bits), then the epilogue (<see cref="PixelEpilogue"/>) back to NCHW. For strided
    /// layers and small planes (12x12 and below, the DS-CNN's 25x5), where the per-channel forms
    /// spend more on calls, packing and short rows than on arithmetic. Exact, as the other depthwise forms.
    /// </summary>
    public sealed class QDepthwiseChannelsImplementation : QDepthwiseImplementation
    {
        public override string Name => "qdwconv_u8s8_f32fma_c16";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            string? whyNot = base.WhyNot(node, facts);
            if (whyNot != null)
                return whyNot;
            if (node.Inputs[1]!.Shape[0] != node.Inputs[0]!.Shape[1])
                return "a channel multiplier above 1";
            return null;
        }

        public override string Describe(Node node) => "int8 depthwise conv with channels in lanes: input transposed to a channels-last float plane, exact float FMA over 16 channels a pixel";

        public override double EstimatedNanoseconds(Node node)
        {
            var g = PlaneOf(node);
            long inputs = Shape.Size(node.Inputs[0]!.Shape), outputs = Shape.Size(node.Outputs[0].Shape);
            long batch = node.Inputs[0]!.Shape[0], pixels = outputs / batch / g.Channels;
            long fmas = batch * pixels * (g.Lanes / 16) * g.Taps;
            // Measured on a 48-channel 24x24 layer (and scaled like the other estimates): transposing in
            // registers ~0.15 ns an input (one at a time, ~0.7, below eight channels or pixels), ~0.7 ns
            // a 16-lane FMA of a pixel pair, the epilogue ~0.2 ns an output in single precision (the
            // exact form and a scatter ~1 ns where it has none).
            bool blocks = g.Channels >= 8 && g.Height * g.Width >= 8;
            bool single = FastRequantization.Applies(node.Outputs[0], node.Activation);
            return inputs * (blocks ? 0.15 : 0.7) + fmas * 0.7 + outputs * (single ? 0.2 : 1.0) + batch * pixels * 3 + 200;
        }

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            var ops = Operands(node, out string why) ?? throw node.Error("internal: " + why);
            var g = PlaneOf(node);
            // Weights [tap][lane], zero in the lanes past the last channel.
            var values = new float[g.Taps * g.Lanes];
            for (int c = 0; c < g.Channels; c++)
                for (int t = 0; t < g.Taps; t++)
                    values[t * g.Lanes + c] = ops.Centered[c * g.Taps + t];
            var weights = new Float32Vector(values.Length);
            var offsets = new Int32Vector(g.Channels);
            var biases = Int8Operands.Biases(node.Input(2), g.Channels, 1);
            return new[] { new PackedConstant("weights", weights, weights.Pack(values)), new PackedConstant("offsets", offsets, offsets.Pack(new int[g.Channels])) }
                .Concat(ops.PackLanesEpilogue(biases, ops.FastRequantization(node.Outputs[0], biases, node.Activation))).ToArray();
        }

        public override long WorkspaceBytes(Node node)
        {
            var g = PlaneOf(node);
            long pixels = Shape.Size(node.Outputs[0].Shape) / node.Outputs[0].Shape[0] / g.Channels;
            return PlaneBytes(g) + 4L * pixels * g.Lanes + PixelEpilogue.LineBytes(node.Outputs[0].Type, g.Channels);
        }

        private static long PlaneBytes(ChannelsPlane g) => (4L * g.PlaneFloats + 63) / 64 * 64;

        /// <summary>One image: the channels-last plane is packed once, and tiles of one output row (all channels) run on any thread, each with its own sums and line.</summary>
        public override TileSplit? Split(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            if (loops.Batch != 1)
                return null;
            var g = PlaneOf(loops);
            int outHeight = loops.Window.Output[0], pixels = outHeight * loops.Window.Output[1];
            return new TileSplit(outHeight, PlaneBytes(g), 4L * pixels * g.Lanes + PixelEpilogue.LineBytes(c.Out(0).Type, g.Channels));
        }

        public override void Emit(LayerContext c)
        {
            var loops = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var win = loops.Window;
            var g = PlaneOf(loops);
            var x = c.In(0);
            bool signed = x.Type == ElementType.Int8 || x.Type == ElementType.Int4;
            bool tiled = loops.Batch == 1;
            int outHeight = win.Output[0], outWidth = win.Output[1], pixels = outHeight * outWidth;
            string M = RuntimeNames.Marshal, K8 = RuntimeNames.Int8;
            long planeBytes = PlaneBytes(g), accBytes = 4L * pixels * g.Lanes, lineBytes = PixelEpilogue.LineBytes(c.Out(0).Type, g.Channels);
            string plane = c.Local("plane");
            c.W.Line($"var {plane} = {M}.Cast<byte, float>({c.Workspace}.Slice(0, {CSharp.Int(planeBytes)}));");
            int inImage = g.Channels * g.Height * g.Width;
            void Pack(string batch)
            {
                string input = signed ? $"{M}.Cast<sbyte, byte>({c.InName(0)})" : c.InName(0);
                c.W.Line($"{K8}.DepthwiseChannelsKernel.Pack({(batch == "0" && loops.Batch == 1 ? input : $"{input}.Slice({Affine.Term(batch, inImage)}, {inImage})")}, {(signed ? "true" : "false")}, {x.Quant!.ZeroPoint[0]}, " +
                    $"{g.Channels}, {g.Height}, {g.Width}, {win.PadBegin[0]}, {win.PadBegin[1]}, {g.PlaneHeight}, {g.PlaneWidth}, {g.Lanes}, {plane});");
            }
            if (c.EmitsPrologue && tiled)
            {
                Pack("0");
                if (!c.EmitsTiles)
                    return;
            }

            string w = c.Local("w"), offsets = c.Local("offsets"), scales = c.Local("scales"), biases = c.Local("biases"), taps = c.Local("taps"), acc = c.Local("acc");
            c.W.Line($"var {w} = {M}.Cast<byte, float>({c.Packed("weights")});");
            c.W.Line($"var {offsets} = {M}.Cast<byte, int>({c.Packed("offsets")});");
            c.W.Line($"var {scales} = {M}.Cast<byte, double>({c.Packed("scales")});");
            c.W.Line($"var {biases} = {M}.Cast<byte, double>({c.Packed("biases")});");
            c.W.Line($"{RuntimeNames.ReadOnlySpan}<int> {taps} = {CSharp.IntArray(g.TapOffsets)};");
            string own = tiled ? c.TileWorkspace : $"{c.Workspace}.Slice({CSharp.Int(planeBytes)})";
            c.W.Line($"var {acc} = {M}.Cast<byte, int>({own}.Slice(0, {CSharp.Int(accBytes)}));");
            string line = $"{own}.Slice({CSharp.Int(accBytes)}, {CSharp.Int(lineBytes)})";
            if (c.Part == LayerPart.Tiles)
            {
                // Tiles [start, end) are output rows.
                string planeRow = $"{c.TileStart} * {CSharp.Int((long)win.Strides[0] * g.PlaneWidth * g.Lanes)}";
                c.W.Line($"{K8}.DepthwiseChannelsKernel.Accumulate({plane}.Slice({planeRow}), {g.Lanes}, {g.PlaneWidth}, {taps}, {w}, {c.TileEnd} - {c.TileStart}, {outWidth}, {win.Strides[0]}, {win.Strides[1]}, {acc});");
                PixelEpilogue.Emit(c, line, acc, g.Lanes, g.Channels, pixels, "0", offsets, scales, biases, $"{c.TileStart} * {outWidth}", $"{c.TileEnd} * {outWidth}");
                return;
            }
            using var batch = Affine.Loop(c, "b", loops.Batch);
            if (!tiled)
                Pack(batch.Index);
            c.W.Line($"{K8}.DepthwiseChannelsKernel.Accumulate({plane}, {g.Lanes}, {g.PlaneWidth}, {taps}, {w}, {outHeight}, {outWidth}, {win.Strides[0]}, {win.Strides[1]}, {acc});");
            PixelEpilogue.Emit(c, line, acc, g.Lanes, g.Channels, pixels, batch.Index, offsets, scales, biases);
        }

        private static ChannelsPlane PlaneOf(ConvLoops loops)
        {
            var win = loops.Window;
            return new ChannelsPlane(loops.Channels, win.Input[0], win.Input[1], win.Kernel, win.Dilations, win.PadBegin, win.PadEnd);
        }

        private static ChannelsPlane PlaneOf(Node node)
        {
            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            var win = ConvArithmetic.Infer(node, x, w, out _);
            return new ChannelsPlane(x.Shape[1], x.Shape[2], x.Shape[3], win.Kernel, win.Dilations, win.PadBegin, win.PadEnd);
        }

        /// <summary>The padded channels-last plane: <see cref="PlaneHeight"/> rows of <see cref="PlaneWidth"/> pixels, <see cref="Lanes"/> floats a pixel; taps in pixels, kernel row-major.</summary>
        private sealed class ChannelsPlane
        {
            public ChannelsPlane(int channels, int height, int width, int[] kernel, int[] dilations, int[] padBegin, int[] padEnd)
            {
                Channels = channels;
                Height = height;
                Width = width;
                Lanes = (channels + 15) / 16 * 16;
                PlaneHeight = height + padBegin[0] + padEnd[0];
                PlaneWidth = width + padBegin[1] + padEnd[1];
                PlaneFloats = (long)PlaneHeight * PlaneWidth * Lanes;
                Taps = kernel[0] * kernel[1];
                TapOffsets = new int[Taps];
                for (int ky = 0; ky < kernel[0]; ky++)
                    for (int kx = 0; kx < kernel[1]; kx++)
                        TapOffsets[ky * kernel[1] + kx] = ky * dilations[0] * PlaneWidth + kx * dilations[1];
            }

            public int Channels { get; }

            public int Height { get; }

            public int Width { get; }

            public int Lanes { get; }

            public int PlaneHeight { get; }

            public int PlaneWidth { get; }

            public long PlaneFloats { get; }

            public int Taps { get; }

            public int[] TapOffsets { get; }
        }
    }
}
