using System.Collections.Generic;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Xunit;

namespace Bitsmith.Compiler.Tests
{
    /// <summary>The builder writes what the importer reads back: types, packed int4, symbolic batch.</summary>
    public class ModelBuilderRoundTripTests
    {
        [Fact]
        public void Int4InitializerAndSymbolicBatchRoundTrip()
        {
            var b = new OnnxModelBuilder("rt", opset: 21);
            b.Input("x", ElementType.Float32, -1, 3);
            var q = new Tensor(ElementType.Int4, new[] { 3 }, new sbyte[] { -8, 7, -1 });
            b.Initializer("q", q);
            b.Initializer("bias", new[] { 3 }, new[] { 1f, 2f, 3f });
            b.Node("Add", new[] { "x", "bias" });
            b.NodeWithOutputs("Relu", new[] { "add_0" }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32);

            var options = new ImportOptions { BatchSize = 2 };
            var g = OnnxImporter.Load(b.ToBytes(), "rt.onnx", options);
            Assert.Equal(new[] { 2, 3 }, g.Inputs[0].Shape);
            var result = ReferenceInterpreter.Run(g, new Dictionary<string, Tensor>
            {
                ["x"] = Tensor.FromFloats(new[] { 2, 3 }, new float[] { 0, 1, 2, 3, 4, 5 }),
            });
            Assert.Equal(new float[] { 1, 3, 5, 4, 6, 8 }, result["y"].Floats);
        }

        [Fact]
        public void Int4TensorEncodingRoundTrips()
        {
            var q = new Tensor(ElementType.Int4, new[] { 3 }, new sbyte[] { -8, 7, -1 });
            var proto = TensorEncoder.Encode("q", q);
            Assert.Equal(2, proto.RawData.Length);
            var back = TensorDecoderAccess.Decode(proto);
            Assert.Equal(q.SBytes, back.SBytes);
        }
    }
}
