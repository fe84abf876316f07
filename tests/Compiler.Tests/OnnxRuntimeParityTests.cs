using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using Tensor = Bitsmith.Compiler.Ir.Tensor;
using Xunit;

namespace Bitsmith.Compiler.Tests
{
    /// <summary>
    /// Whole real models through the reference interpreter, compared with ONNX Runtime on
    /// the same file. ONNX Runtime runs with graph optimisations off so it executes the
    /// QDQ nodes as written, which is the semantics the interpreter implements.
    /// </summary>
    public class OnnxRuntimeParityTests
    {
        [Fact]
        public void ResNet18MatchesOnnxRuntime()
        {
            var graph = OnnxImporter.Load(TestFiles.ResNet18);
            var input = RandomInput(graph.Inputs[0], seed: 1, 0f, 1f);
            var expected = RunOnnxRuntime(TestFiles.ResNet18, graph.Inputs[0].Name, input);

            var asImported = ReferenceInterpreter.Run(graph, new Dictionary<string, Tensor> { [graph.Inputs[0].Name] = input });
            AssertClose(expected, asImported[graph.Outputs[0].Name].Floats, 1e-3, 1e-4);

            Pipeline.Run(graph);
            var optimized = ReferenceInterpreter.Run(graph, new Dictionary<string, Tensor> { [graph.Inputs[0].Name] = input });
            AssertClose(expected, optimized[graph.Outputs[0].Name].Floats, 1e-3, 1e-4);
        }

        [Fact]
        public void DemoQdqModelMatchesOnnxRuntime()
        {
            var graph = OnnxImporter.Load(TestFiles.DemoModel);
            var input = RandomInput(graph.Inputs[0], seed: 2, 0f, 1f);
            var expected = RunOnnxRuntime(TestFiles.DemoModel, graph.Inputs[0].Name, input);

            var asImported = ReferenceInterpreter.Run(graph, new Dictionary<string, Tensor> { [graph.Inputs[0].Name] = input });
            AssertClose(expected, asImported[graph.Outputs[0].Name].Floats, 1e-5, 1e-6);

            // After QDQ recognition the convolutions sum exact integers where the float graph
            // rounds, so an activation may land one quantisation step apart; the logits stay close.
            Pipeline.Run(graph);
            var optimized = ReferenceInterpreter.Run(graph, new Dictionary<string, Tensor> { [graph.Inputs[0].Name] = input })[graph.Outputs[0].Name].Floats;
            double range = expected.Max() - expected.Min();
            Assert.True(range > 0);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - optimized[i]) <= 0.02 * range, $"logit {i}: {optimized[i]} vs ONNX Runtime {expected[i]}");
        }

        private static Tensor RandomInput(Value v, int seed, float lo, float hi)
        {
            var random = new Random(seed);
            var data = new float[Shape.Size(v.Shape)];
            for (int i = 0; i < data.Length; i++)
                data[i] = lo + (float)random.NextDouble() * (hi - lo);
            return Tensor.FromFloats(v.Shape, data);
        }

        private static float[] RunOnnxRuntime(string model, string inputName, Tensor input)
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1 };
            using var session = new InferenceSession(model, options);
            var dense = new DenseTensor(input.Floats, input.Shape);
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(inputName, dense) });
            return results.First().AsEnumerable<float>().ToArray();
        }

        private static void AssertClose(float[] expected, float[] actual, double rtol, double atol)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= atol + rtol * Math.Abs(expected[i]), $"element {i}: {actual[i]} vs ONNX Runtime {expected[i]}");
        }
    }
}
