using System.IO;
using System.Linq;
using System.Text;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Onnx;
using Google.Protobuf;
using Xunit;

namespace Bitsmith.Compiler.Tests.Robustness
{
    /// <summary>
    /// Each way a model file can be broken is reported as a <see cref="ModelException"/>
    /// whose message names the file, the node (name and op) when the problem is at one,
    /// and what is wrong.
    /// </summary>
    public class BadModelTests
    {
        private const string File = "bad.onnx";

        [Fact]
        public void TruncatedFileIsRejected()
        {
            byte[] bytes = RealModel();
            var e = Rejected(bytes.Take(bytes.Length / 2).ToArray());
            Assert.Contains("not a valid ONNX file", e.Message);
            Assert.Contains("truncated", e.Message);
        }

        [Fact]
        public void CorruptBytesAreRejected()
        {
            byte[] bytes = RealModel();
            bytes[0] = 0xFF; // a tag with wire type 7, which does not exist
            bytes[1] = 0xFF;
            var e = Rejected(bytes);
            Assert.Contains("not a valid ONNX file (protobuf decoding failed", e.Message);
        }

        [Fact]
        public void EmptyFileIsRejected()
        {
            var e = Rejected(new byte[0]);
            Assert.Equal(File + ": the file is empty", e.Message);
        }

        [Theory]
        [InlineData("ir_version: 8\ngraph {\n  node { input: \"x\" output: \"y\" op_type: \"Relu\" }\n}\n")]
        [InlineData("{\"irVersion\": \"8\", \"graph\": {\"node\": []}}")]
        [InlineData("hello")]
        public void TextFileIsRejectedAsText(string text)
        {
            var e = Rejected(Encoding.UTF8.GetBytes(text));
            Assert.Equal(File + ": the file is text, not a binary ONNX model", e.Message);
        }

        [Fact]
        public void DeeplyNestedFileIsRejectedWithoutExhaustingTheStack()
        {
            var graph = new GraphProto();
            for (int depth = 0; depth < 200; depth++)
            {
                var node = new NodeProto { OpType = "If" };
                node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = graph });
                graph = new GraphProto { Node = { node } };
            }
            var e = Rejected(new ModelProto { Graph = graph }.ToByteArray());
            Assert.Contains("not a valid ONNX file", e.Message);
            Assert.Contains("too many levels of nesting", e.Message);
        }

        [Fact]
        public void MissingFileIsRejected()
        {
            string path = Path.Combine(Path.GetTempPath(), "bitsmith-no-such-model.onnx");
            var e = Assert.ThrowsAny<ModelException>(() => OnnxImporter.Load(path));
            Assert.Equal(path + ": file not found", e.Message);
        }

        [Fact]
        public void CycleIsRejectedAtANodeOnIt()
        {
            var b = Builder();
            b.NodeWithOutputs("Add", new[] { "x", "r" }, new[] { "a" }, "add", "");
            b.NodeWithOutputs("Relu", new[] { "a" }, new[] { "r" }, "relu", "");
            b.Output("r", ElementType.Float32);
            var e = RejectedAt(b, "relu", "Relu");
            Assert.Contains("the graph has a cycle through 'a'", e.Message);
        }

        [Fact]
        public void UnknownOpIsRejected()
        {
            var b = Builder();
            b.NodeWithOutputs("Frobnicate", new[] { "x" }, new[] { "y" }, "mystery", "");
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "mystery", "Frobnicate");
            Assert.Contains("op 'Frobnicate' is not supported", e.Message);
        }

        [Fact]
        public void OpOfAnUnimportedDomainIsRejected()
        {
            var b = Builder();
            b.NodeWithOutputs("QLinearAdd", new[] { "x" }, new[] { "y" }, "qadd", "com.microsoft");
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "qadd", "QLinearAdd");
            Assert.Contains("the model imports no opset for domain 'com.microsoft'", e.Message);
        }

        [Fact]
        public void InputProducedByNothingIsRejected()
        {
            var b = Builder();
            b.NodeWithOutputs("Add", new[] { "x", "weight" }, new[] { "y" }, "add", "");
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "add", "Add");
            Assert.Contains("input 'weight' is not produced by any node, initializer or graph input", e.Message);
        }

        [Fact]
        public void MissingRequiredInputIsRejected()
        {
            var b = Builder();
            b.NodeWithOutputs("Add", new[] { "x" }, new[] { "y" }, "add", "");
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "add", "Add");
            Assert.Contains("input 1 is required but missing", e.Message);
        }

        [Fact]
        public void OutputTheOpDoesNotProduceIsRejected()
        {
            var b = Builder();
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y", "extra" }, "relu", "");
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "relu", "Relu");
            Assert.Contains("output 1 ('extra') is not produced by Relu", e.Message);
        }

        [Fact]
        public void MixedElementTypesAreRejected()
        {
            var b = Builder();
            b.Input("n", ElementType.Int64, 2, 3);
            b.NodeWithOutputs("Add", new[] { "x", "n" }, new[] { "y" }, "add", "");
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "add", "Add");
            Assert.Contains("inputs have different element types f32 and s64", e.Message);
        }

        [Fact]
        public void UnsupportedInputTypeOfAnOpIsRejected()
        {
            var b = new OnnxModelBuilder("bad");
            b.Input("x", ElementType.UInt8, 4);
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.UInt8);
            var e = RejectedAt(b, "relu", "Relu");
            Assert.Contains("input 'x' has element type u8, expected one of f32, s8, s32, s64", e.Message);
        }

        [Fact]
        public void IncompatibleBroadcastIsRejectedAtTheNode()
        {
            var b = Builder();
            b.Initializer("bias", new[] { 4 }, new float[4]);
            b.NodeWithOutputs("Add", new[] { "x", "bias" }, new[] { "y" }, "add", "");
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "add", "Add");
            Assert.Contains("shapes [2,3] and [4] cannot be broadcast", e.Message);
        }

        [Fact]
        public void ConvWeightOfTheWrongChannelCountIsRejectedAtTheNode()
        {
            var b = new OnnxModelBuilder("bad");
            b.Input("x", ElementType.Float32, 1, 3, 5, 5);
            b.Initializer("w", new[] { 4, 2, 3, 3 }, new float[72]);
            b.NodeWithOutputs("Conv", new[] { "x", "w" }, new[] { "y" }, "conv", "");
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "conv", "Conv");
            Assert.Contains("input has 3 channels but the weight [4,2,3,3] with group 1 expects 2", e.Message);
        }

        [Fact]
        public void DoubleInputIsRejected()
        {
            var model = Relu();
            model.Graph.Input[0].Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Double;
            var e = Rejected(model.ToByteArray());
            Assert.Contains("graph input 'x' has unsupported element type DOUBLE", e.Message);
        }

        [Fact]
        public void DoubleInitializerIsRejected()
        {
            var model = Relu();
            model.Graph.Initializer.Add(new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Double, Dims = { 1 }, DoubleData = { 1.0 } });
            var e = Rejected(model.ToByteArray());
            Assert.Contains("initializer 'w' has unsupported element type DOUBLE", e.Message);
        }

        [Fact]
        public void ExternalDataIsRejected()
        {
            var b = Builder();
            b.Initializer("w", new[] { 2, 3 }, new float[6]);
            b.NodeWithOutputs("Add", new[] { "x", "w" }, new[] { "y" }, "add", "");
            b.Output("y", ElementType.Float32);
            var model = b.Build();
            var w = model.Graph.Initializer[0];
            w.RawData = ByteString.Empty;
            w.DataLocation = TensorProto.Types.DataLocation.External;
            w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
            var e = Rejected(model.ToByteArray());
            Assert.Contains("initializer 'w' uses external data, which is not supported", e.Message);
        }

        [Fact]
        public void ExternalDataInAnAttributeTensorIsRejectedAtTheNode()
        {
            var b = Builder();
            b.NodeWithOutputs("Constant", new string[0], new[] { "c" }, "const", "", ("value", Tensor.Scalar(1f)));
            b.NodeWithOutputs("Add", new[] { "x", "c" }, new[] { "y" }, "add", "");
            b.Output("y", ElementType.Float32);
            var model = b.Build();
            model.Graph.Node[0].Attribute[0].T.DataLocation = TensorProto.Types.DataLocation.External;
            var e = RejectedAt(model, "const", "Constant");
            Assert.Contains("uses external data", e.Message);
        }

        [Fact]
        public void GraphOutputProducedByNothingIsRejected()
        {
            var b = Builder();
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "relu", "");
            b.Output("ghost", ElementType.Float32);
            var e = Rejected(b.ToBytes());
            Assert.Equal(File + ": graph output 'ghost' is not produced by any node", e.Message);
        }

        [Fact]
        public void GraphOutputListedTwiceIsRejected()
        {
            var model = Relu();
            model.Graph.Output.Add(model.Graph.Output[0].Clone());
            var e = Rejected(model.ToByteArray());
            Assert.Equal(File + ": graph output 'y' is listed twice", e.Message);
        }

        [Fact]
        public void TwoNodesWritingOneNameAreRejected()
        {
            var b = Builder();
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "first", "");
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "second", "");
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "second", "Relu");
            Assert.Contains("output 'y' is already defined by another node, an input or an initializer", e.Message);
        }

        [Fact]
        public void NodeOutputNamedLikeAGraphInputIsRejected()
        {
            var b = Builder();
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "x" }, "relu", "");
            b.Output("x", ElementType.Float32);
            var e = RejectedAt(b, "relu", "Relu");
            Assert.Contains("output 'x' is already defined", e.Message);
        }

        [Fact]
        public void InitializerDefinedTwiceIsRejected()
        {
            var b = Builder();
            b.Initializer("w", new[] { 3 }, new float[3]);
            b.Initializer("w", new[] { 3 }, new float[3]);
            b.NodeWithOutputs("Add", new[] { "x", "w" }, new[] { "y" }, "add", "");
            b.Output("y", ElementType.Float32);
            var e = Rejected(b.ToBytes());
            Assert.Equal(File + ": initializer 'w' is defined twice", e.Message);
        }

        [Fact]
        public void GraphInputDeclaredTwiceIsRejected()
        {
            var b = Builder();
            b.Input("x", ElementType.Float32, 2, 3);
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32);
            var e = Rejected(b.ToBytes());
            Assert.Equal(File + ": graph input 'x' is declared twice", e.Message);
        }

        [Fact]
        public void SymbolicNonBatchDimensionNeedsAValue()
        {
            var b = new OnnxModelBuilder("bad");
            b.Input("x", ElementType.Float32, 1, -1);
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32);
            var e = Rejected(b.ToBytes());
            Assert.Equal(File + ": graph input 'x' has a symbolic dimension 'N' at axis 1; give its value in ImportOptions.SymbolicDimensions", e.Message);

            var options = new ImportOptions();
            options.SymbolicDimensions["N"] = 5;
            Assert.Equal(new[] { 1, 5 }, OnnxImporter.Load(b.ToBytes(), File, options).Inputs[0].Shape);
        }

        [Fact]
        public void UnknownDimensionWithoutANameIsRejected()
        {
            var model = Relu();
            model.Graph.Input[0].Type.TensorType.Shape.Dim[1].ClearValue();
            var e = Rejected(model.ToByteArray());
            Assert.Contains("graph input 'x' has a symbolic dimension unknown at axis 1", e.Message);
        }

        [Fact]
        public void OversizedInputIsRejectedBeforeAnythingIsAllocated()
        {
            var b = new OnnxModelBuilder("bad");
            b.Input("x", ElementType.Float32, 65536, 65536);
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32);
            var e = Rejected(b.ToBytes());
            Assert.Contains("graph input 'x': shape [65536,65536] has more than 268435456 elements", e.Message);
        }

        [Fact]
        public void InitializerWithTooFewBytesIsRejected()
        {
            var b = Builder();
            b.Initializer("w", new[] { 2, 3 }, new float[6]);
            b.NodeWithOutputs("Add", new[] { "x", "w" }, new[] { "y" }, "add", "");
            b.Output("y", ElementType.Float32);
            var model = b.Build();
            model.Graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[20]);
            var e = Rejected(model.ToByteArray());
            Assert.Contains("initializer 'w' has 20 bytes of data, expected 24 for f32[2,3]", e.Message);
        }

        [Fact]
        public void UnsupportedAttributeKindIsRejectedAtTheNode()
        {
            var model = Relu();
            model.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = new GraphProto() });
            var e = RejectedAt(model, "relu", "Relu");
            Assert.Contains("attribute 'body' has kind Graph, which is not supported", e.Message);
        }

        [Fact]
        public void IntAttributeGivenAsFloatIsRejectedAtTheNode()
        {
            var b = Builder();
            b.NodeWithOutputs("Flatten", new[] { "x" }, new[] { "y" }, "flatten", "", ("axis", 1f));
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "flatten", "Flatten");
            Assert.Contains("attribute 'axis' must be Int, not Float", e.Message);
        }

        [Fact]
        public void IntsAttributeGivenAsIntIsRejectedAtTheNode()
        {
            var b = new OnnxModelBuilder("bad");
            b.Input("x", ElementType.Float32, 1, 1, 4, 4);
            b.NodeWithOutputs("MaxPool", new[] { "x" }, new[] { "y" }, "pool", "", ("kernel_shape", 2));
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "pool", "MaxPool");
            Assert.Contains("attribute 'kernel_shape' must be Ints, not Int", e.Message);
        }

        [Fact]
        public void StringAttributeGivenAsIntsIsRejectedAtTheNode()
        {
            var b = new OnnxModelBuilder("bad");
            b.Input("x", ElementType.Float32, 1, 1, 4, 4);
            b.NodeWithOutputs("AveragePool", new[] { "x" }, new[] { "y" }, "pool", "", ("kernel_shape", new[] { 2, 2 }), ("auto_pad", new[] { 1 }));
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "pool", "AveragePool");
            Assert.Contains("attribute 'auto_pad' must be String, not Ints", e.Message);
        }

        [Fact]
        public void AttributeValueOutOfRangeIsRejectedAtTheNode()
        {
            var b = Builder();
            b.NodeWithOutputs("Flatten", new[] { "x" }, new[] { "y" }, "flatten", "", ("axis", 7));
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "flatten", "Flatten");
            Assert.Contains("axis 7", e.Message);
        }

        [Fact]
        public void AttributeGivenTwiceIsRejectedAtTheNode()
        {
            var model = Relu();
            model.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 1 });
            model.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 2 });
            var e = RejectedAt(model, "relu", "Relu");
            Assert.Contains("attribute 'alpha' is given twice", e.Message);
        }

        [Fact]
        public void TooOldOpsetIsRejectedAtTheNode()
        {
            var b = new OnnxModelBuilder("bad", opset: 6);
            b.Input("x", ElementType.Float32, 2, 3);
            b.NodeWithOutputs("Add", new[] { "x", "x" }, new[] { "y" }, "add", "");
            b.Output("y", ElementType.Float32);
            var e = RejectedAt(b, "add", "Add");
            Assert.Contains("opset 6 of Add is not supported (from opset 7)", e.Message);
        }

        [Fact]
        public void DeclaredOutputShapeThatDisagreesIsRejected()
        {
            var b = Builder();
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32, 2, 4);
            var e = Rejected(b.ToBytes());
            Assert.Contains("graph output 'y' is declared with 2 dimensions [2,4] but computes [2,3]", e.Message);
        }

        private static OnnxModelBuilder Builder()
        {
            var b = new OnnxModelBuilder("bad");
            b.Input("x", ElementType.Float32, 2, 3);
            return b;
        }

        /// <summary>x f32[2,3] -> Relu 'relu' -> y.</summary>
        private static ModelProto Relu()
        {
            var b = Builder();
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32, 2, 3);
            return b.Build();
        }

        private static byte[] RealModel() => System.IO.File.ReadAllBytes(Path.Combine(OnnxTestData.Test("pytorch-converted", "test_Conv2d"), "model.onnx"));

        private static ModelException Rejected(byte[] bytes)
        {
            var e = Assert.ThrowsAny<ModelException>(() => OnnxImporter.Load(bytes, File));
            Assert.StartsWith(File + ": ", e.Message);
            Assert.Equal(File, e.File);
            return e;
        }

        private static ModelException RejectedAt(OnnxModelBuilder b, string node, string op) => RejectedAt(b.Build(), node, op);

        private static ModelException RejectedAt(ModelProto model, string node, string op)
        {
            var e = Rejected(model.ToByteArray());
            Assert.StartsWith($"{File}: node '{node}' ({op}): ", e.Message);
            Assert.Equal(node, e.NodeName);
            Assert.Equal(op, e.OpType);
            return e;
        }
    }
}
