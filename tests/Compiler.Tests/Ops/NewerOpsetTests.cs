using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.OpTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>
    /// What newer opsets change is refused as unsupported, not read as if it were older: an opset
    /// above the supported range, DequantizeLinear's output_dtype and QuantizeLinear's precision
    /// (opset 24) other than f32. f32, their only meaning here, still works.
    /// </summary>
    public class NewerOpsetTests
    {
        [Fact]
        public void AnOpsetAboveTheSupportedRangeIsUnsupported()
        {
            var b = new OnnxModelBuilder("future", SupportedOpsets.MaxOnnx + 1);
            b.Input("x", ElementType.Float32, 2);
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32, 2);
            var e = Assert.Throws<UnsupportedModelException>(() => OnnxImporter.Load(b.ToBytes(), "future.onnx"));
            Assert.Contains($"opset {SupportedOpsets.MaxOnnx + 1} of the ONNX domain", e.Message);
        }

        [Theory]
        [InlineData(10, true)] // float16
        [InlineData(16, true)] // bfloat16
        [InlineData(1, false)] // float
        public void DequantizeOutputDtype(int dtype, bool unsupported)
        {
            var b = new OnnxModelBuilder("dq24", 24);
            b.Input("q", ElementType.UInt8, 3);
            b.NodeWithOutputs("DequantizeLinear", new[] { "q", b.Initializer("s", Tensor.Scalar(0.5f)) }, new[] { "y" }, "dq", "", ("output_dtype", dtype));
            b.Output("y", ElementType.Float32, 3);
            var q = new Tensor(ElementType.UInt8, new[] { 3 }, new byte[] { 0, 1, 4 });
            if (unsupported)
                Assert.Contains("output_dtype", Assert.Throws<UnsupportedModelException>(() => Run(b, ("q", q))).Message);
            else
                Assert.Equal(new[] { 0f, 0.5f, 2f }, Run(b, ("q", q))["y"].Floats);
        }

        [Theory]
        [InlineData(10, true)]
        [InlineData(1, false)]
        public void QuantizePrecision(int precision, bool unsupported)
        {
            var b = new OnnxModelBuilder("q24", 24);
            b.Input("x", ElementType.Float32, 3);
            var zp = new Tensor(ElementType.UInt8, System.Array.Empty<int>(), new byte[] { 0 });
            b.NodeWithOutputs("QuantizeLinear", new[] { "x", b.Initializer("s", Tensor.Scalar(0.5f)), b.Initializer("z", zp) }, new[] { "y" }, "q", "", ("precision", precision));
            b.Output("y", ElementType.UInt8, 3);
            var x = F32(new[] { 3 }, 0f, 0.5f, 2f);
            if (unsupported)
                Assert.Contains("precision", Assert.Throws<UnsupportedModelException>(() => Run(b, ("x", x))).Message);
            else
                Assert.Equal(new byte[] { 0, 1, 4 }, Run(b, ("x", x))["y"].Bytes);
        }
    }
}
