using System.Collections.Generic;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Xunit;

namespace Bitsmith.Compiler.Tests.Robustness
{
    /// <summary>Wrong inputs given to <see cref="ReferenceInterpreter.Run"/> are reported by name, with the expected and given type.</summary>
    public class InterpreterInputTests
    {
        private const string File = "model.onnx";

        [Fact]
        public void RightInputsRun()
        {
            var y = ReferenceInterpreter.Run(Model(), Inputs(("x", Tensor.FromFloats(new[] { 2, 3 }, new float[] { -1, 2, -3, 4, -5, 6 }))));
            Assert.Equal(new float[] { 0, 2, 0, 4, 0, 6 }, y["y"].Floats);
        }

        [Fact]
        public void WrongShapeIsRejected()
        {
            var e = Rejected(("x", Tensor.FromFloats(new[] { 3, 2 }, new float[6])));
            Assert.Equal(File + ": input 'x' must be f32[2,3], was given f32[3,2]", e.Message);
        }

        [Fact]
        public void WrongElementTypeIsRejected()
        {
            var e = Rejected(("x", Tensor.FromInt64s(new[] { 2, 3 }, new long[6])));
            Assert.Equal(File + ": input 'x' must be f32[2,3], was given s64[2,3]", e.Message);
        }

        [Fact]
        public void MissingInputIsRejected()
        {
            var e = Rejected();
            Assert.Equal(File + ": input 'x' was not given", e.Message);
        }

        [Fact]
        public void UnknownInputIsRejected()
        {
            var e = Rejected(("x", Tensor.FromFloats(new[] { 2, 3 }, new float[6])), ("z", Tensor.Scalar(1)));
            Assert.Equal(File + ": 'z' is not an input of the model (inputs: x)", e.Message);
        }

        [Fact]
        public void InitializerIsNotAnInput()
        {
            var b = new OnnxModelBuilder("m");
            b.Input("x", ElementType.Float32, 3);
            b.Initializer("w", new[] { 3 }, new float[3]);
            b.NodeWithOutputs("Add", new[] { "x", "w" }, new[] { "y" }, "add", "");
            b.Output("y", ElementType.Float32);
            var g = OnnxImporter.Load(b.ToBytes(), File);
            var e = Assert.ThrowsAny<ModelException>(() => ReferenceInterpreter.Run(g, Inputs(("x", Tensor.FromFloats(new[] { 3 }, new float[3])), ("w", Tensor.FromFloats(new[] { 3 }, new float[3])))));
            Assert.Equal(File + ": 'w' is not an input of the model (inputs: x)", e.Message);
        }

        [Fact]
        public void RunTimeErrorNamesTheNode()
        {
            var b = new OnnxModelBuilder("m");
            b.Input("a", ElementType.Int64, 2);
            b.Input("b", ElementType.Int64, 2);
            b.NodeWithOutputs("Div", new[] { "a", "b" }, new[] { "q" }, "div", "");
            b.Output("q", ElementType.Int64);
            var g = OnnxImporter.Load(b.ToBytes(), File);
            var e = Assert.ThrowsAny<ModelException>(() => ReferenceInterpreter.Run(g, Inputs(("a", Tensor.FromInt64s(new[] { 2 }, new long[] { 1, 2 })), ("b", Tensor.FromInt64s(new[] { 2 }, new long[] { 1, 0 })))));
            Assert.Equal(File + ": node 'div' (Div): integer division by zero", e.Message);
        }

        [Fact]
        public void IntegerDivisionWrapsLikeNumpy()
        {
            var b = new OnnxModelBuilder("m");
            b.Input("a", ElementType.Int64, 2);
            b.Input("b", ElementType.Int64, 2);
            b.NodeWithOutputs("Div", new[] { "a", "b" }, new[] { "q" }, "div", "");
            b.Output("q", ElementType.Int64);
            var g = OnnxImporter.Load(b.ToBytes(), File);
            var q = ReferenceInterpreter.Run(g, Inputs(("a", Tensor.FromInt64s(new[] { 2 }, new[] { long.MinValue, -7 })), ("b", Tensor.FromInt64s(new[] { 2 }, new long[] { -1, 2 }))));
            Assert.Equal(new[] { long.MinValue, -3 }, q["q"].Longs);
        }

        private static Graph Model()
        {
            var b = new OnnxModelBuilder("m");
            b.Input("x", ElementType.Float32, 2, 3);
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32);
            return OnnxImporter.Load(b.ToBytes(), File);
        }

        private static ModelException Rejected(params (string Name, Tensor Value)[] inputs) =>
            Assert.ThrowsAny<ModelException>(() => ReferenceInterpreter.Run(Model(), Inputs(inputs)));

        private static Dictionary<string, Tensor> Inputs(params (string Name, Tensor Value)[] inputs)
        {
            var d = new Dictionary<string, Tensor>();
            foreach (var (name, value) in inputs)
                d[name] = value;
            return d;
        }
    }
}
