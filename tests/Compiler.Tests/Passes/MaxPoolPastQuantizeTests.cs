using System;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Xunit;
using static Bitsmith.Compiler.Tests.Passes.PassTestKit;
using static Bitsmith.Compiler.Tests.Passes.QdqModels;

namespace Bitsmith.Compiler.Tests.Passes
{
    /// <summary>The exporter's Conv → Relu → MaxPool → Clip → Q, whose pool moves past the Q onto 8-bit codes.</summary>
    public class MaxPoolPastQuantizeTests
    {
        /// <summary>x → Q/DQ → Conv(3x3, 2→4) → [Relu] → MaxPool → [Clip(lo, 6)] → Q(u8) → DQ → y.</summary>
        private static OnnxModelBuilder ConvPoolQuantize(bool relu, float? clipLow, (string, object)[] poolAttributes, bool fromInput = false, int outSize = 4, float clipHigh = 6f)
        {
            var b = new OnnxModelBuilder("pool_q", 13);
            b.Input("x", ElementType.Float32, 1, 2, 8, 8);
            string x = QdqActivation(b, "x", "x_q", 0.02f, 128);
            var (w, _) = Weights(b, new Random(5), "w", new[] { 4, 2, 3, 3 }, ElementType.Int8);
            string v = fromInput ? "x" : b.Node("Conv", new[] { x, w, b.Initializer("bias", Tensor.FromFloats(new[] { 4 }, new[] { 0.1f, -0.2f, 0.05f, 0f })) }, ("pads", new[] { 1, 1, 1, 1 }));
            if (relu)
                v = b.Node("Relu", new[] { v });
            v = b.Node("MaxPool", new[] { v }, poolAttributes);
            if (clipLow != null)
                v = b.Node("Clip", new[] { v, b.Initializer("lo", Tensor.Scalar(clipLow.Value)), b.Initializer("hi", Tensor.Scalar(clipHigh)) });
            string q = Quantize(b, v, 0.03f, ElementType.UInt8, clipLow is < 0 ? 40 : 0);
            b.NodeWithOutputs("DequantizeLinear", new[] { q, b.Initializer("y_s", Tensor.Scalar(0.03f)), b.Initializer("y_z", Scalar(ElementType.UInt8, clipLow is < 0 ? 40 : 0)) }, new[] { "y" }, "dq_y", "");
            b.Output("y", ElementType.Float32, 1, fromInput ? 2 : 4, outSize, outSize);
            return b;
        }

        private static readonly (string, object)[] Pool2x2 = { ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 }) };

        private static (string, Tensor)[] Inputs(int seed) => new[] { ("x", RandomFloats(new[] { 1, 2, 8, 8 }, seed, -2.5f, 2.5f)) };

        [Theory]
        [InlineData(true, 0f)]
        [InlineData(true, 0.5f)]
        [InlineData(false, 0f)]
        [InlineData(false, null)]
        public void ThePoolMovesPastTheQuantizeAndTheCodesStayTheSame(bool relu, float? clipLow)
        {
            var (before, after) = BeforeAndAfter(ConvPoolQuantize(relu, clipLow, Pool2x2), new MaxPoolPastQuantize());
            var expected = new[] { "Conv" }.Concat(relu && clipLow == null ? new[] { "Relu" } : Array.Empty<string>())
                .Concat(clipLow != null ? new[] { "Clip" } : Array.Empty<string>())
                .Concat(new[] { "QuantizeLinear", "DequantizeLinear", "MaxPool", "QuantizeLinear", "DequantizeLinear" });
            Assert.Equal(expected, OpTypes(after).SkipWhile(op => op != "Conv"));
            for (int seed = 1; seed <= 4; seed++)
                Assert.Equal(Run(before, Inputs(seed))["y"].Floats, Run(after, Inputs(seed))["y"].Floats);
        }

        [Fact]
        public void ThePipelineMakesAnEightBitPoolAfterAConvThatWritesCodes()
        {
            var (before, after) = BeforeAndAfter(ConvPoolQuantize(relu: true, clipLow: 0f, Pool2x2));
            Assert.Equal(new[] { "QuantizeLinear", "Conv", "MaxPool" }, OpTypes(after).Take(3));
            var conv = after.Nodes[1];
            Assert.Equal(ElementType.UInt8, conv.Outputs[0].Type);
            Assert.Equal("Clip(0, 6)", conv.Activation!.ToString());
            Assert.Equal("MaxPool", after.Nodes[2].OpType);
            Assert.Equal(ElementType.UInt8, after.Nodes[2].Outputs[0].Type);
            for (int seed = 1; seed <= 4; seed++)
                Assert.Equal(Run(before, Inputs(seed))["y"].Floats, Run(after, Inputs(seed))["y"].Floats);
        }

        [Fact]
        public void ThePoolKeepsTheBitwidthOfTheClampedCodesItReads()
        {
            // Clip(0, 0.4) at a scale of 0.03: codes 0..13, 4 bits, before and after the pool.
            var (before, after) = BeforeAndAfter(ConvPoolQuantize(relu: true, clipLow: 0f, Pool2x2, clipHigh: 0.4f));
            Assert.Equal(4, after.Nodes[1].Outputs[0].Quant!.Bits);
            Assert.Equal(4, after.Nodes[2].Outputs[0].Quant!.Bits);
            for (int seed = 1; seed <= 4; seed++)
                Assert.Equal(Run(before, Inputs(seed))["y"].Floats, Run(after, Inputs(seed))["y"].Floats);
        }

        [Fact]
        public void APoolWhoseInputCanHoldNaNStays()
        {
            // The graph's input: a NaN there pools by MaxPool's rules, not by its code's.
            var g = Apply(ImportModel(ConvPoolQuantize(relu: false, clipLow: 0f, Pool2x2, fromInput: true)), new MaxPoolPastQuantize());
            Assert.Equal(new[] { "MaxPool", "Clip", "QuantizeLinear", "DequantizeLinear" }, OpTypes(g).SkipWhile(op => op != "MaxPool"));
        }

        [Theory]
        [InlineData("dilations")]
        [InlineData("ceil_mode")]
        [InlineData("pads")]
        public void WindowsThatMayMissTheInputStay(string attribute)
        {
            var attributes = Pool2x2.Append(attribute switch
            {
                "dilations" => ("dilations", (object)new[] { 2, 2 }),
                "ceil_mode" => ("ceil_mode", (object)1),
                _ => ("pads", (object)new[] { 2, 2, 2, 2 }),
            }).ToArray();
            int outSize = attribute switch { "dilations" => 3, "pads" => 6, _ => 4 };
            var g = Apply(ImportModel(ConvPoolQuantize(relu: true, clipLow: 0f, attributes, outSize: outSize)), new MaxPoolPastQuantize());
            Assert.Equal(new[] { "Conv", "Relu", "MaxPool", "Clip", "QuantizeLinear", "DequantizeLinear" }, OpTypes(g).SkipWhile(op => op != "Conv"));
        }
    }
}
