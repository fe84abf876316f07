using Bitsmith.Compiler.Ir;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.ConvPoolTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>ConvInteger and QLinearConv with per-channel weight parameters, which ONNX's test data does not cover.</summary>
    public class IntegerConvTests
    {
        private static Tensor U8(int[] shape, params byte[] data) => new Tensor(ElementType.UInt8, shape, data);

        [Fact]
        public void ConvIntegerSubtractsPerChannelWeightZeroPoints()
        {
            // x - 1 = [[1, 2], [3, 4]]; channel 0 weights - 0 = [1, 1]^T column, channel 1 weights - 2 = [1, -1].
            var x = U8(new[] { 1, 1, 2, 2 }, 2, 3, 4, 5);
            var w = U8(new[] { 2, 1, 2, 1 }, 1, 1, 3, 1);
            var node = Node("ConvInteger", 10, new Value?[] { In("x", x), Const("w", w), Const("xz", U8(new int[0], 1)), Const("wz", U8(new[] { 2 }, 0, 2)) });
            var y = Run(node, x, w, U8(new int[0], 1), U8(new[] { 2 }, 0, 2))[0];
            Assert.Equal(ElementType.Int32, y.Type);
            Assert.Equal(new[] { 1, 2, 1, 2 }, y.Shape);
            Assert.Equal(new[] { 4, 6, -2, -2 }, y.Ints);
        }

        [Fact]
        public void QLinearConvRoundsHalfToEvenAndSaturatesPerChannel()
        {
            // A 1x1 kernel: channel 0 multiplies by 0.5 (1.5 -> 2, 2.5 -> 2); channel 1 adds bias 2 and scales by 100 (saturates).
            var x = U8(new[] { 1, 1, 1, 2 }, 3, 5);
            var w = U8(new[] { 2, 1, 1, 1 }, 1, 3);
            var inputs = new Tensor?[]
            {
                x, Tensor.Scalar(1f), U8(new int[0], 0),
                w, Tensor.FromFloats(new[] { 2 }, new[] { 0.5f, 100f }), U8(new[] { 2 }, 0, 2),
                Tensor.Scalar(1f), U8(new int[0], 0),
                new Tensor(ElementType.Int32, new[] { 2 }, new[] { 0, 2 }),
            };
            var values = new Value?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
                values[i] = In("in" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), inputs[i]!);
            var y = Run(Node("QLinearConv", 10, values), inputs)[0];
            Assert.Equal(ElementType.UInt8, y.Type);
            Assert.Equal(new byte[] { 2, 2, 255, 255 }, y.Bytes);
        }

        [Fact]
        public void QLinearConvRejectsAWeightScaleOfTheWrongLength()
        {
            var x = U8(new[] { 1, 1, 1, 2 }, 3, 5);
            var w = U8(new[] { 2, 1, 1, 1 }, 1, 3);
            var values = new Value?[]
            {
                In("x", x), In("xs", Tensor.Scalar(1f)), In("xz", U8(new int[0], 0)),
                In("w", w), In("ws", Tensor.FromFloats(new[] { 3 }, new[] { 1f, 1f, 1f })), In("wz", U8(new int[0], 0)),
                In("ys", Tensor.Scalar(1f)), In("yz", U8(new int[0], 0)),
            };
            Assert.Contains("w_scale", Assert.Throws<ModelException>(() => Infer(Node("QLinearConv", 10, values))).Message);
        }
    }
}
