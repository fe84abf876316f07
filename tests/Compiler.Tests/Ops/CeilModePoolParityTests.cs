using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.OpTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>
    /// Pools with ceil_mode=1 whose window is larger than the padded input: PyTorch writes them
    /// for small feature maps (a 2x2 pool with stride 2 on a 1x1 map), and ONNX's rule,
    /// ceil((input + pads - window) / stride) + 1, gives one output where the window starts
    /// within the stride. The interpreter must agree with ONNX Runtime on the shape and values.
    /// </summary>
    public class CeilModePoolParityTests
    {
        [Theory]
        [InlineData("MaxPool", 1, 1, 2, 2, 0, 0)]
        [InlineData("MaxPool", 2, 3, 4, 3, 0, 0)]
        [InlineData("AveragePool", 2, 2, 3, 2, 0, 0)]
        [InlineData("AveragePool", 1, 1, 4, 2, 1, 1)]
        [InlineData("AveragePool", 1, 1, 4, 2, 1, 0)]
        public void WindowLargerThanThePaddedInputGivesOneOutput(string op, int height, int width, int kernel, int stride, int pad, int countIncludePad)
        {
            var b = new OnnxModelBuilder("ceil_pool", 19);
            b.Input("x", ElementType.Float32, 1, 2, height, width);
            var attributes = op == "AveragePool"
                ? new (string, object)[] { ("kernel_shape", new[] { kernel, kernel }), ("strides", new[] { stride, stride }), ("pads", new[] { pad, pad, pad, pad }), ("ceil_mode", 1), ("count_include_pad", countIncludePad) }
                : new (string, object)[] { ("kernel_shape", new[] { kernel, kernel }), ("strides", new[] { stride, stride }), ("pads", new[] { pad, pad, pad, pad }), ("ceil_mode", 1) };
            b.NodeWithOutputs(op, new[] { "x" }, new[] { "y" }, "pool", "", attributes);
            b.Output("y", ElementType.Float32, 1, 2, 1, 1);
            LinearOpsOnnxRuntimeParityTests.AssertSame(b, "y", ("x", F32(new[] { 1, 2, height, width }, Random(2 * height * width, 7, 1f))));
        }

        [Fact]
        public void FloorModeStillRejectsAWindowLargerThanTheInput()
        {
            var b = new OnnxModelBuilder("floor_pool", 19);
            b.Input("x", ElementType.Float32, 1, 1, 1, 1);
            b.NodeWithOutputs("MaxPool", new[] { "x" }, new[] { "y" }, "pool", "", ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 }));
            b.Output("y", ElementType.Float32, 1, 1, 1, 1);
            Assert.Contains("larger than the padded input", Assert.Throws<ModelException>(() => Run(b, ("x", F32(new[] { 1, 1, 1, 1 }, 1f)))).Message);
        }
    }
}
