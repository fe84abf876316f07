using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Bitsmith.Compiler;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Tests;
using Bitsmith.Compiler.Tests.Conformance;

namespace Bitsmith.Emit.Tests
{
    /// <summary>The models the differential tests run: every ONNX backend test the interpreter passes, and real models.</summary>
    public static class ModelCases
    {
        /// <summary>
        /// Each conformance test directory that passes through the interpreter, with its input
        /// sets; a model whose shape-deciding integer inputs the runner fixes per data set is one
        /// case per set, as the runner compiles it.
        /// </summary>
        public static IReadOnlyList<ModelCase> Conformance()
        {
            var cases = new List<ModelCase>();
            foreach (var (suite, dir) in ConformanceRunner.Discover(OnnxTestData.Root))
            {
                if (ConformanceRunner.Run(suite, dir).Outcome != CaseOutcome.Passed)
                    continue;
                string path = Path.Combine(dir, "model.onnx"), name = suite + "/" + Path.GetFileName(dir);
                var proto = OnnxImporter.Parse(File.ReadAllBytes(path));
                Graph? compiled;
                try
                {
                    compiled = ConformanceRunner.Compile(path, null);
                }
                catch (UnsupportedModelException)
                {
                    compiled = null;
                }
                var bound = Directory.GetDirectories(dir, "test_data_set_*").OrderBy(d => d, StringComparer.Ordinal)
                    .Select(set => (Set: Path.GetFileName(set), Bound: ConformanceRunner.Bind(path, proto, compiled, set)))
                    .ToList();
                if (compiled != null)
                    cases.Add(new ModelCase(name, compiled, bound.Select(b => InOrder(compiled, b.Bound.Inputs)).ToList()));
                else
                    cases.AddRange(bound.Select(b => new ModelCase(name + "/" + b.Set, b.Bound.Graph, new[] { InOrder(b.Bound.Graph, b.Bound.Inputs) })));
            }
            return cases;
        }

        public static ModelCase DemoModel() => WithRandomInput("demo model", ConformanceRunner.Compile(TestFiles.DemoModel, null), seed: 7);

        public static ModelCase ProfiledDemoModel()
        {
            var demo = WithRandomInput("demo model, profiled", ConformanceRunner.Compile(TestFiles.DemoModel, null), seed: 7);
            return new ModelCase(demo.Name, demo.Graph, demo.InputSets) { Profile = true };
        }

        public static ModelCase FashionModel() => WithRandomInput("Fashion-MNIST sample model", ConformanceRunner.Compile(TestFiles.FashionModel, null), seed: 13);

        /// <summary>ML.NET's float ResNet-18: its convolutions run on the f32 kernels, so it is compared at each output's scale.</summary>
        public static ModelCase ResNet18()
        {
            var c = WithRandomInput("ResNet-18", ConformanceRunner.Compile(TestFiles.ResNet18, null), seed: 11);
            return new ModelCase(c.Name, c.Graph, c.InputSets) { ReorderedFloatNetwork = true };
        }

        /// <summary>Uniform values in [0, 1) for float inputs, small integers for integer inputs.</summary>
        public static ModelCase WithRandomInput(string name, Graph graph, int seed)
        {
            var random = new Random(seed);
            var inputs = graph.Inputs.Select(v =>
            {
                var t = Tensor.Zeros(v.Type, v.Shape);
                for (int i = 0; i < t.Length; i++)
                {
                    if (v.Type == ElementType.Float32)
                        t.Floats[i] = (float)random.NextDouble();
                    else
                        t.SetInt64(i, random.Next((int)Math.Max(v.Type.MinValue(), -1000), (int)Math.Min(v.Type.MaxValue(), 1000) + 1));
                }
                return t;
            }).ToArray();
            return new ModelCase(name, graph, new[] { inputs });
        }

        private static Tensor[] InOrder(Graph graph, Dictionary<string, Tensor> inputs) => graph.Inputs.Select(v => inputs[v.Name]).ToArray();
    }
}
