using System.Collections.Generic;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Xunit;

namespace Bitsmith.Compiler.Tests
{
    public class ImportOptionsTests
    {
        /// <summary>A Reshape whose shape is a graph input: unsupported as is, compiled once the input is fixed.</summary>
        private static byte[] ReshapeWithShapeInput()
        {
            var b = new OnnxModelBuilder("reshape", opset: 14);
            b.Input("x", ElementType.Float32, 2, 3);
            b.Input("shape", ElementType.Int64, 2);
            b.NodeWithOutputs("Reshape", new[] { "x", "shape" }, new[] { "y" }, "reshape", "");
            b.Output("y", ElementType.Float32);
            return b.ToBytes();
        }

        [Fact]
        public void ShapeInputComputedAtRunTimeIsUnsupported()
        {
            var e = Assert.Throws<UnsupportedModelException>(() => OnnxImporter.Load(ReshapeWithShapeInput(), "reshape.onnx"));
            Assert.Contains("reshape.onnx: node 'reshape' (Reshape)", e.Message);
        }

        [Fact]
        public void ConstantInputFixesTheShapeAtCompileTime()
        {
            var options = new ImportOptions();
            options.ConstantInputs["shape"] = Tensor.FromInt64s(new[] { 2 }, new long[] { 3, -1 });
            var g = OnnxImporter.Load(ReshapeWithShapeInput(), "reshape.onnx", options);
            Assert.Single(g.Inputs);
            Assert.Equal(new[] { 3, 2 }, g.Outputs[0].Shape);
            var y = ReferenceInterpreter.Run(g, new Dictionary<string, Tensor> { ["x"] = Tensor.FromFloats(new[] { 2, 3 }, new float[] { 1, 2, 3, 4, 5, 6 }) })["y"];
            Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, y.Floats);
        }

        [Fact]
        public void ConstantInputMustMatchTheDeclaration()
        {
            var options = new ImportOptions();
            options.ConstantInputs["shape"] = Tensor.FromInt64s(new[] { 3 }, new long[] { 3, 2, 1 });
            var e = Assert.Throws<ModelException>(() => OnnxImporter.Load(ReshapeWithShapeInput(), "reshape.onnx", options));
            Assert.Contains("graph input 'shape' is s64[2] but its compile-time value is s64[3]", e.Message);

            options.ConstantInputs.Clear();
            options.ConstantInputs["nope"] = Tensor.FromInt64s(new[] { 1 }, new long[] { 1 });
            e = Assert.Throws<ModelException>(() => OnnxImporter.Load(ReshapeWithShapeInput(), "reshape.onnx", options));
            Assert.Contains("'nope' is given a compile-time value but is not a graph input", e.Message);
        }
    }
}
