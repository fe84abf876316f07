using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Emit.Tests
{
    /// <summary>Runs a model case through its generated code and through the reference interpreter and compares every output.</summary>
    public static class Differential
    {
        /// <summary>Null when every input set gives the interpreter's outputs; else what differs, with the line-numbered generated source.</summary>
        public static string? Check(GeneratedAssembly assembly, ModelCase c)
        {
            if (assembly.TryGetProblem(c.Name, out string problem))
                return problem;
            var model = assembly.Model(c.Name);
            for (int s = 0; s < c.InputSets.Count; s++)
            {
                var expected = Expected(c, c.InputSets[s]);
                var magnitudes = c.Magnitudes != null ? Magnitudes(c.Magnitudes, c.InputSets[s])
                    : c.ReorderedFloatNetwork ? expected.Select(Scale).ToArray()
                    : null;
                Tensor[] actual;
                try
                {
                    actual = model.Run(c.InputSets[s]);
                }
                catch (System.Exception e)
                {
                    return $"input set {s}: the generated code threw {e}\n{GeneratedAssembly.Numbered(model.Source)}";
                }
                for (int o = 0; o < expected.Length; o++)
                {
                    string? difference = OutputComparison.Compare(c.Graph.Outputs[o].Name, expected[o], actual[o], magnitudes?[o], c.SumTolerance);
                    if (difference != null)
                        return $"input set {s}: {difference}\n{model.Compiled.PlanText}\n{GeneratedAssembly.Numbered(model.Source)}";
                }
            }
            return null;
        }

        /// <summary>The interpreter's outputs, in graph output order.</summary>
        public static Tensor[] Expected(ModelCase c, Tensor[] inputs) => Run(c.Graph, inputs);

        /// <summary>The magnitude graph's outputs on the absolute values of float inputs.</summary>
        private static Tensor?[] Magnitudes(Graph magnitudes, Tensor[] inputs) =>
            Run(magnitudes, inputs.Select(t => t.Type == ElementType.Float32 ? Tensor.FromFloats(t.Shape, t.Floats.Select(Math.Abs).ToArray()) : t).ToArray());

        /// <summary>A float output's largest finite magnitude, for every element (other types: none).</summary>
        private static Tensor? Scale(Tensor t)
        {
            if (t.Type != ElementType.Float32)
                return null;
            float scale = t.Floats.Where(float.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
            return Tensor.FromFloats(t.Shape, Enumerable.Repeat(scale, t.Length).ToArray());
        }

        private static Tensor[] Run(Graph graph, Tensor[] inputs)
        {
            var byName = graph.Inputs.Select((v, i) => (v.Name, inputs[i])).ToDictionary(p => p.Name, p => p.Item2);
            var outputs = ReferenceInterpreter.Run(graph, byName);
            return graph.Outputs.Select(v => outputs[v.Name]).ToArray();
        }
    }
}
