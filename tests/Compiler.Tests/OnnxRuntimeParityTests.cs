using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Bitsmith.Training.Data;
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

        [Fact]
        public void ShippedFashionModelMatchesOnnxRuntimeOnTheShippedImages()
        {
            const int Images = 200;
            var images = ImageSampleFile.Read(TestFiles.FashionImages).Take(Images);
            var graph = OnnxImporter.Load(TestFiles.FashionModel);
            var optimized = OnnxImporter.Load(TestFiles.FashionModel);
            Pipeline.Run(optimized);
            string name = graph.Inputs[0].Name;
            int ortCorrect = 0, optimizedCorrect = 0, sameClass = 0;
            for (int i = 0; i < images.Count; i++)
            {
                var pixels = new float[images.ImageSize];
                for (int p = 0; p < pixels.Length; p++)
                    pixels[p] = images.Pixels[i * images.ImageSize + p] / 255f;
                var input = Tensor.FromFloats(graph.Inputs[0].Shape, pixels);
                var expected = RunOnnxRuntime(TestFiles.FashionModel, name, input);
                var asImported = ReferenceInterpreter.Run(graph, new Dictionary<string, Tensor> { [name] = input })[graph.Outputs[0].Name].Floats;
                var integer = ReferenceInterpreter.Run(optimized, new Dictionary<string, Tensor> { [name] = input })[optimized.Outputs[0].Name].Floats;
                // Float rounding at a quantiser's half-way point can move an activation by one step
                // in the interpreter as in the integer form: logits stay within 2 % of their range.
                double range = expected.Max() - expected.Min();
                for (int k = 0; k < expected.Length; k++)
                {
                    Assert.True(Math.Abs(expected[k] - asImported[k]) <= 0.02 * range, $"image {i} logit {k}: interpreter {asImported[k]} vs ONNX Runtime {expected[k]}");
                    Assert.True(Math.Abs(expected[k] - integer[k]) <= 0.02 * range, $"image {i} logit {k}: compiled form {integer[k]} vs ONNX Runtime {expected[k]}");
                }
                int ortClass = ArgMax(expected), optimizedClass = ArgMax(integer);
                ortCorrect += ortClass == images.Labels[i] ? 1 : 0;
                optimizedCorrect += optimizedClass == images.Labels[i] ? 1 : 0;
                sameClass += ortClass == optimizedClass ? 1 : 0;
            }
            // A one-step difference can flip a near tie: allow 1 % of the images, and no accuracy loss beyond that.
            Assert.True(sameClass >= Images * 99 / 100, $"same class on {sameClass} of {Images}");
            Assert.True(Math.Abs(ortCorrect - optimizedCorrect) <= Images / 100, $"correct: ONNX Runtime {ortCorrect}, compiled form {optimizedCorrect}");
            Assert.True(ortCorrect >= Images * 85 / 100, $"ONNX Runtime classifies only {ortCorrect} of {Images} correctly");
        }

        private static int ArgMax(float[] values)
        {
            int best = 0;
            for (int i = 1; i < values.Length; i++)
                if (values[i] > values[best])
                    best = i;
            return best;
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
