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
                    string? difference = OutputComparison.Compare(c.Graph.Outputs[o].Name, expected[o], actual[o]);
                    if (difference != null)
                        return $"input set {s}: {difference}\n{model.Compiled.PlanText}\n{GeneratedAssembly.Numbered(model.Source)}";
                }
            }
            return null;
        }

        /// <summary>The interpreter's outputs, in graph output order.</summary>
        public static Tensor[] Expected(ModelCase c, Tensor[] inputs)
        {
            var byName = c.Graph.Inputs.Select((v, i) => (v.Name, inputs[i])).ToDictionary(p => p.Name, p => p.Item2);
            var outputs = ReferenceInterpreter.Run(c.Graph, byName);
            return c.Graph.Outputs.Select(v => outputs[v.Name]).ToArray();
        }
    }
}
