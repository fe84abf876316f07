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
    /// <summary>PyTorch's export of a quantiser with range 0..127: Q(u8) → Clip(max 127) → DQ.</summary>
    public class NarrowRangeClipTests
    {
        /// <summary>x → Q(u8, s, zp) → Clip(codes) → DQ → MaxPool → y.</summary>
        private static OnnxModelBuilder ClipOnCodes(ElementType type, long zeroPoint, long? lo, long? hi, int opset = 13)
        {
            var b = new OnnxModelBuilder("narrow", opset);
            b.Input("x", ElementType.Float32, 1, 2, 4, 4);
            string q = Quantize(b, "x", 0.01f, type, zeroPoint);
            var bounds = new[]
            {
                lo == null ? "" : b.Initializer("qmin", Scalar(type, lo.Value)),
                hi == null ? "" : b.Initializer("qmax", Scalar(type, hi.Value)),
            };
            string clipped = b.NodeWithOutputs("Clip", new[] { q }.Concat(bounds).ToArray(), new[] { "codes" }, "clip", "")[0];
            string dq = Dequantize(b, clipped, new[] { 0.01f }, Scalar(type, zeroPoint));
            b.NodeWithOutputs("MaxPool", new[] { dq }, new[] { "y" }, "pool", "", ("kernel_shape", new[] { 2, 2 }));
            b.Output("y", ElementType.Float32, 1, 2, 3, 3);
            return b;
        }

        private static readonly (string, Tensor) Input = ("x", RandomFloats(new[] { 1, 2, 4, 4 }, seed: 1, -3, 3));

        [Theory]
        [InlineData(ElementType.UInt8, 0, null, 127L, 0f, 1.27f)]
        [InlineData(ElementType.UInt8, 10, 5L, 200L, -0.05f, 1.9f)]
        [InlineData(ElementType.Int8, 0, -8L, 7L, -0.08f, 0.07f)]
        public void AClipOfCodesBecomesAClipOfRealValuesBeforeTheQuantize(ElementType type, long zeroPoint, long? lo, long? hi, float min, float max)
        {
            var (before, after) = BeforeAndAfter(ClipOnCodes(type, zeroPoint, lo, hi), new NarrowRangeClip());
            Assert.Equal(new[] { "Clip", "QuantizeLinear", "DequantizeLinear", "MaxPool" }, OpTypes(after));
            var clip = after.Nodes[0];
            Assert.Equal(ElementType.Float32, clip.Outputs[0].Type);
            Assert.Equal(min, clip.Inputs[1]!.Constant!.Floats[0], 6);
            Assert.Equal(max, clip.Inputs[2]!.Constant!.Floats[0], 6);
            Assert.Equal("codes", after.Nodes[1].Outputs[0].Name);
            AssertSameFloats(before, after, Input);
        }

        [Fact]
        public void CodesOnTheBoundsAndBetweenAreTheSameForEveryInput()
        {
            // Real values exactly on, just inside and just outside each bound, and NaN.
            var b = new OnnxModelBuilder("edges", 13);
            b.Input("x", ElementType.Float32, 12);
            string q = Quantize(b, "x", 0.01f, ElementType.UInt8, 3);
            b.NodeWithOutputs("Clip", new[] { q, b.Initializer("qmin", Scalar(ElementType.UInt8, 2)), b.Initializer("qmax", Scalar(ElementType.UInt8, 127)) }, new[] { "codes" }, "clip", "");
            b.Output("codes", ElementType.UInt8, 12);
            var x = Tensor.FromFloats(new[] { 12 }, new[] { -0.01f, -0.015f, -0.005f, -0.0149f, 1.24f, 1.245f, 1.2449f, 1.2451f, 1.25f, 0f, float.NaN, float.PositiveInfinity });

            var (before, after) = BeforeAndAfter(b, new NarrowRangeClip());
            Assert.Equal(new[] { "Clip", "QuantizeLinear" }, OpTypes(after));
            Assert.Equal(Run(before, ("x", x))["codes"].Bytes, Run(after, ("x", x))["codes"].Bytes);
        }

        [Theory]
        [InlineData(200L, 0L, 127L)] // zero point outside the range: a NaN would quantise to it and the Clip would move it
        [InlineData(0L, 100L, 50L)] // crossed bounds
        public void RangesTheRewriteCannotKeepExactStay(long zeroPoint, long lo, long hi)
        {
            var g = Apply(ImportModel(ClipOnCodes(ElementType.UInt8, zeroPoint, lo, hi)), new NarrowRangeClip());
            Assert.Equal(new[] { "QuantizeLinear", "Clip", "DequantizeLinear", "MaxPool" }, OpTypes(g));
        }

        [Fact]
        public void WholePipelineFusesTheClipAndReadsSevenBits()
        {
            // Conv → Q(u8) → Clip(max 127) → DQ → MaxPool: the Conv ends quantised with a fused Clip and 7-bit output.
            var b = new OnnxModelBuilder("narrow_conv", 13);
            b.Input("x", ElementType.Float32, 1, 2, 4, 4);
            string x = QdqActivation(b, "x", "x_q", InputScale, 128);
            var (w, _) = Weights(b, new Random(3), "w", new[] { 3, 2, 1, 1 }, ElementType.Int8, fanIn: 2);
            string conv = b.Node("Conv", new[] { x, w });
            string q = Quantize(b, conv, 0.01f, ElementType.UInt8, 0);
            string clipped = b.Node("Clip", new[] { q, "", b.Initializer("qmax", Scalar(ElementType.UInt8, 127)) });
            string dq = Dequantize(b, clipped, new[] { 0.01f }, Scalar(ElementType.UInt8, 0));
            b.NodeWithOutputs("MaxPool", new[] { dq }, new[] { "y" }, "pool", "", ("kernel_shape", new[] { 2, 2 }));
            b.Output("y", ElementType.Float32, 1, 3, 3, 3);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "QuantizeLinear", "Conv", "MaxPool" }, OpTypes(after));
            var convNode = after.Nodes[1];
            Assert.Equal("Clip(0, 1.27)", convNode.Activation!.ToString());
            Assert.Equal((ElementType.UInt8, 7), (convNode.Outputs[0].Type, convNode.Outputs[0].Quant!.Bits));
            AssertWithinOneStep(before, after, 0.01, 0.9, ("x", RandomFloats(new[] { 1, 2, 4, 4 }, seed: 4)));
        }

        /// <summary>
        /// QuantizeLinear may read int32 (a valid model, seen in an independent review): the Clip of
        /// its codes cannot move to a float Clip before it, so the pass leaves it, and the model
        /// compiles and computes what it did.
        /// </summary>
        [Fact]
        public void QuantizeOfInt32IsLeftAsItIs()
        {
            var b = new OnnxModelBuilder("int_input", 13);
            b.Input("x", ElementType.Int32, 8);
            string q = Quantize(b, "x", 0.5f, ElementType.UInt8, 0);
            string clipped = b.Node("Clip", new[] { q, "", b.Initializer("qmax", Scalar(ElementType.UInt8, 127)) });
            b.NodeWithOutputs("DequantizeLinear", new[] { clipped, b.Initializer("dq_s", Tensor.Scalar(0.5f)), b.Initializer("dq_z", Scalar(ElementType.UInt8, 0)) },
                new[] { "y" }, "dq", "");
            b.Output("y", ElementType.Float32, 8);
            var x = new Tensor(ElementType.Int32, new[] { 8 }, new[] { -5, 0, 1, 3, 100, 254, 255, 1000 });

            var (before, after) = BeforeAndAfter(b);
            Assert.DoesNotContain(after.Nodes, n => n.OpType == "Clip" && n.Outputs[0].Type == ElementType.Float32 && n.Inputs[0]!.Type == ElementType.Int32);
            AssertSameFloats(before, after, ("x", x));
            Assert.Equal(new[] { 0f, 0f, 1f, 3f, 63.5f, 63.5f, 63.5f, 63.5f }, Run(after, ("x", x))["y"].Floats);
            // And the build gets a plan for it (BSM0001 before).
            Assert.NotEmpty(Bitsmith.Compiler.Lowering.ModelCompiler.Compile(after, new Bitsmith.Compiler.Lowering.CompileOptions()).PlanText);
        }
    }
}
