using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Bitsmith.Compiler.Tests;
using Bitsmith.Compiler.Tests.Conformance;

namespace Bitsmith.Emit.Tests
{
    /// <summary>The models the differential tests run: every ONNX backend test the interpreter passes, and real models.</summary>
    public static class ModelCases
    {
        /// <summary>Each conformance test directory that passes through the interpreter, with its input sets.</summary>
        public static IReadOnlyList<ModelCase> Conformance() =>
            ConformanceRunner.Discover(OnnxTestData.Root)
                .Where(c => ConformanceRunner.Run(c.Suite, c.Dir).Outcome == CaseOutcome.Passed)
                .Select(c =>
                {
                    var graph = Optimized(Path.Combine(c.Dir, "model.onnx"));
                    var sets = Directory.GetDirectories(c.Dir, "test_data_set_*").OrderBy(d => d, StringComparer.Ordinal)
                        .Select(set => graph.Inputs.Select((_, i) => OnnxTensorFile.Load(Path.Combine(set, $"input_{i}.pb")).Tensor).ToArray())
                        .ToList();
                    return new ModelCase(c.Suite + "/" + Path.GetFileName(c.Dir), graph, sets);
                })
                .ToList();

        public static ModelCase DemoModel() => WithRandomInput("demo model", Optimized(TestFiles.DemoModel), seed: 7);

        public static ModelCase ResNet18() => WithRandomInput("ResNet-18", Optimized(TestFiles.ResNet18), seed: 11);

        public static Graph Optimized(string path)
        {
            var graph = OnnxImporter.Load(path);
            Pipeline.Run(graph);
            return graph;
        }

        /// <summary>Uniform values in [0, 1) for float inputs, the whole range for integer inputs.</summary>
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
    }
}
