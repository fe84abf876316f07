using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.ConvPoolTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>Pool semantics the ONNX 1.12 test data leaves out: opset-19 dilations, ceil_mode with count_include_pad, quantised forms.</summary>
    public class PoolTests
    {
        [Fact]
        public void AveragePoolWithDilations()
        {
            var x = F32(new[] { 1, 1, 1, 5 }, 1, 2, 3, 4, 5);
            var node = Node("AveragePool", 19, new Value?[] { In("x", x) }, ("kernel_shape", new long[] { 1, 2 }), ("dilations", new long[] { 1, 2 }));
            Assert.Equal(new float[] { 2, 3, 4 }, Run(node, x)[0].Floats);
        }

        [Fact]
        public void CeilModeWindowPastTheEndPaddingCountsOnlyThePaddedInput()
        {
            // Windows start at -1, 1, 3 of [1, 2, 3, 4] padded by one each side; the last covers 4, pad and beyond.
            var x = F32(new[] { 1, 1, 4 }, 1, 2, 3, 4);
            var node = Node("AveragePool", 11, new Value?[] { In("x", x) },
                ("kernel_shape", new long[] { 3 }), ("strides", new long[] { 2 }), ("pads", new long[] { 1, 1 }), ("ceil_mode", 1), ("count_include_pad", 1));
            Assert.Equal(new float[] { 1, 3, 2 }, Run(node, x)[0].Floats);
        }

        [Fact]
        public void CeilModeDropsAWindowThatWouldStartInTheEndPadding()
        {
            // Input 4, kernel 2, stride 2, end pad 1: ceil would give 3 windows, but the third starts in the padding.
            var x = F32(new[] { 1, 1, 4 }, 1, 2, 3, 4);
            var node = Node("MaxPool", 12, new Value?[] { In("x", x) },
                ("kernel_shape", new long[] { 2 }), ("strides", new long[] { 2 }), ("pads", new long[] { 0, 1 }), ("ceil_mode", 1));
            Assert.Equal(new float[] { 2, 4 }, Run(node, x)[0].Floats);
        }

        [Fact]
        public void MaxPoolIndicesInColumnMajorStorageOrder()
        {
            // 2x3 plane [[1, 9, 2], [3, 4, 8]], one 2x3 window: the maximum 9 is at row 0, column 1.
            var x = F32(new[] { 2, 1, 2, 3 }, 1, 9, 2, 3, 4, 8, 7, 0, 0, 0, 0, 0);
            var node = Node("MaxPool", 12, new Value?[] { In("x", x) }, 2, ("kernel_shape", new long[] { 2, 3 }), ("storage_order", 1));
            var r = Run(node, x);
            Assert.Equal(new float[] { 9, 7 }, r[0].Floats);
            Assert.Equal(new long[] { 2, 6 }, r[1].Longs);
        }

        [Fact]
        public void QuantisedMaxPoolWithTheInputParametersReturnsTheInputIntegers()
        {
            var q = PerTensor(0.1f, 128);
            var x = new Tensor(ElementType.UInt8, new[] { 1, 1, 2, 2 }, new byte[] { 7, 200, 129, 3 });
            var node = Node("MaxPool", 12, new Value?[] { In("x", x, q) }, ("kernel_shape", new long[] { 2, 1 }));
            node.Outputs[0].Quant = q;
            node.Outputs[0].Type = ElementType.UInt8;
            var y = Run(node, x)[0];
            Assert.Equal(ElementType.UInt8, y.Type);
            Assert.Equal(new byte[] { 129, 200 }, y.Bytes);
        }

        [Fact]
        public void QuantisedGlobalAveragePoolRequantises()
        {
            var xq = PerTensor(0.5f, 10);
            var yq = PerTensor(0.25f, -3);
            var x = new Tensor(ElementType.UInt8, new[] { 1, 2, 1, 2 }, new byte[] { 10, 13, 20, 21 });
            var node = Node("GlobalAveragePool", 1, new Value?[] { In("x", x, xq) });
            node.Outputs[0].Quant = yq;
            node.Outputs[0].Type = ElementType.Int8;
            var y = Run(node, x)[0];
            // Means 0.75 and 5.25 in real numbers: 3 and 21 steps of 0.25 above -3.
            Assert.Equal(new[] { 1, 2, 1, 1 }, y.Shape);
            Assert.Equal(new sbyte[] { 0, 18 }, y.SBytes);
        }

        [Theory]
        [InlineData("MaxPool", "storage_order", 2L)]
        [InlineData("MaxPool", "ceil_mode", 2L)]
        [InlineData("AveragePool", "count_include_pad", 3L)]
        [InlineData("AveragePool", "auto_pad", "SAME")]
        public void BadAttributeValuesAreRejected(string op, string attribute, object value)
        {
            var x = In("x", F32(new[] { 1, 1, 4 }, 1, 2, 3, 4));
            var node = Node(op, 12, new Value?[] { x }, ("kernel_shape", new long[] { 2 }), (attribute, value));
            Assert.Contains(attribute, Assert.Throws<ModelException>(() => Infer(node)).Message);
        }

        [Theory]
        [InlineData(new long[] { 2 }, "pads", new long[] { 1 })]
        [InlineData(new long[] { 2 }, "pads", new long[] { -1, 0 })]
        [InlineData(new long[] { 2 }, "strides", new long[] { 0 })]
        [InlineData(new long[] { 2 }, "dilations", new long[] { 1, 1 })]
        [InlineData(new long[] { 2, 2 }, null, null)]
        [InlineData(new long[] { 5 }, null, null)]
        public void BadWindowsAreRejected(long[] kernel, string? attribute, long[]? value)
        {
            var x = In("x", F32(new[] { 1, 1, 4 }, 1, 2, 3, 4));
            var node = attribute == null
                ? Node("MaxPool", 12, new Value?[] { x }, ("kernel_shape", kernel))
                : Node("MaxPool", 12, new Value?[] { x }, ("kernel_shape", kernel), (attribute, value!));
            Assert.Throws<ModelException>(() => Infer(node));
        }

        [Fact]
        public void MissingKernelShapeIsRejected()
        {
            var node = Node("AveragePool", 12, new Value?[] { In("x", F32(new[] { 1, 1, 4 }, 1, 2, 3, 4)) });
            Assert.Contains("kernel_shape", Assert.Throws<ModelException>(() => Infer(node)).Message);
        }

        [Fact]
        public void GlobalPoolNeedsSpatialAxes()
        {
            var node = Node("GlobalMaxPool", 1, new Value?[] { In("x", F32(new[] { 2, 2 }, 1, 2, 3, 4)) });
            Assert.Contains("rank 3", Assert.Throws<ModelException>(() => Infer(node)).Message);
        }
    }
}
