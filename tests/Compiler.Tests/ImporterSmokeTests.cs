using System.Collections.Generic;
using System.IO;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Xunit;

namespace Bitsmith.Compiler.Tests
{
    public class ImporterSmokeTests
    {
        [Fact]
        public void AddBroadcastRunsAndMatchesOnnxOutput()
        {
            string dir = OnnxTestData.Test("node", "test_add_bcast");
            var graph = OnnxImporter.Load(Path.Combine(dir, "model.onnx"));
            var inputs = new Dictionary<string, Tensor>();
            for (int i = 0; i < graph.Inputs.Count; i++)
                inputs[graph.Inputs[i].Name] = OnnxTensorFile.Load(Path.Combine(dir, "test_data_set_0", $"input_{i}.pb")).Tensor;
            var result = ReferenceInterpreter.Run(graph, inputs);
            var expected = OnnxTensorFile.Load(Path.Combine(dir, "test_data_set_0", "output_0.pb")).Tensor;
            var actual = result[graph.Outputs[0].Name];
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.Floats, actual.Floats);
        }
    }
}
