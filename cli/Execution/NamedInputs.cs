using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Cli.Execution
{
    /// <summary>Input tensors in the graph's input order, keyed by the inputs' names as the reference interpreter takes them.</summary>
    public static class NamedInputs
    {
        public static Dictionary<string, Tensor> Of(Graph graph, IReadOnlyList<Tensor> inputs) =>
            graph.Inputs.Select((v, i) => (v.Name, Tensor: inputs[i])).ToDictionary(p => p.Name, p => p.Tensor);
    }
}
