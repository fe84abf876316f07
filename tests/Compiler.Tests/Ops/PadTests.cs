using Bitsmith.Compiler.Ir;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.ConvPoolTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>Pad forms the ONNX 1.12 test data leaves out: wrap, axes, negative pads, long reflections, the opset-1 attribute.</summary>
    public class PadTests
    {
        private static Tensor Pads(params long[] p) => Tensor.FromInt64s(new[] { p.Length }, p);

        private static float[] Pad1D(int opset, string mode, float[] data, params long[] pads)
        {
            var x = F32(new[] { data.Length }, data);
            var node = Node("Pad", opset, new Value?[] { In("x", x), Const("pads", Pads(pads)) }, ("mode", mode));
            return Run(node, x, Pads(pads))[0].Floats;
        }

        [Fact]
        public void WrapRepeatsTheAxisPeriodically() =>
            Assert.Equal(new float[] { 2, 3, 1, 2, 3, 1, 2, 3, 1 }, Pad1D(19, "wrap", new float[] { 1, 2, 3 }, 2, 4));

        [Fact]
        public void WrapNeedsOpset19()
        {
            var x = F32(new[] { 3 }, 1, 2, 3);
            var node = Node("Pad", 18, new Value?[] { In("x", x), Const("pads", Pads(1, 1)) }, ("mode", "wrap"));
            Assert.Contains("opset 19", Assert.Throws<ModelException>(() => Infer(node)).Message);
        }

        [Fact]
        public void ReflectBeyondTheAxisLengthMirrorsAgain() =>
            Assert.Equal(new float[] { 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2 }, Pad1D(11, "reflect", new float[] { 1, 2, 3 }, 5, 5));

        [Fact]
        public void NegativePadsCropBeforeEdgePadding() =>
            Assert.Equal(new float[] { 2, 3, 4, 4, 4 }, Pad1D(13, "edge", new float[] { 1, 2, 3, 4 }, -1, 2));

        [Fact]
        public void AxesSelectWhichAxesThePadsApplyTo()
        {
            var x = F32(new[] { 2, 2 }, 1, 2, 3, 4);
            var pads = Pads(1, 0);
            var axes = Tensor.FromInt64s(new[] { 1 }, new long[] { -1 });
            var value = Tensor.Scalar(9f);
            var node = Node("Pad", 18, new Value?[] { In("x", x), Const("pads", pads), Const("value", value), Const("axes", axes) });
            var y = Run(node, x, pads, value, axes)[0];
            Assert.Equal(new[] { 2, 3 }, y.Shape);
            Assert.Equal(new float[] { 9, 1, 2, 9, 3, 4 }, y.Floats);
        }

        [Fact]
        public void Opset1ReadsPaddingsAndValue()
        {
            var x = F32(new[] { 2 }, 1, 2);
            var node = Node("Pad", 1, new Value?[] { In("x", x) }, ("paddings", new long[] { 1, 1 }), ("value", 7f));
            Assert.Equal(new float[] { 7, 1, 2, 7 }, Run(node, x)[0].Floats);
        }

        [Fact]
        public void Int64ConstantValueIsCopiedExactly()
        {
            var x = Tensor.FromInt64s(new[] { 1 }, new long[] { 5 });
            var value = Tensor.FromInt64s(new int[0], new[] { (1L << 60) + 1 });
            var node = Node("Pad", 13, new Value?[] { In("x", x), Const("pads", Pads(0, 1)), Const("value", value) });
            Assert.Equal(new[] { 5L, (1L << 60) + 1 }, Run(node, x, Pads(0, 1), value)[0].Longs);
        }

        [Theory]
        [InlineData("constant", new long[] { 1, 1, 1 }, "pads must have 2 values")]
        [InlineData("mirror", new long[] { 1, 1 }, "attribute 'mode'")]
        [InlineData("constant", new long[] { -3, 0 }, "would have size -1")]
        [InlineData("edge", new long[] { -2, 1 }, "no elements left")]
        public void BadPadsAreRejected(string mode, long[] pads, string message)
        {
            var x = F32(new[] { 2 }, 1, 2);
            var node = Node("Pad", 13, new Value?[] { In("x", x), Const("pads", Pads(pads)) }, ("mode", mode));
            Assert.Contains(message, Assert.Throws<ModelException>(() => Infer(node)).Message);
        }

        [Fact]
        public void PadsComputedAtRunTimeAreNotSupported()
        {
            var x = F32(new[] { 2 }, 1, 2);
            var node = Node("Pad", 13, new Value?[] { In("x", x), In("pads", Pads(1, 1)) });
            Assert.Contains("is not supported", Assert.Throws<UnsupportedModelException>(() => Infer(node)).Message);
        }
    }
}
