using System.Collections.Generic;
using System.Linq;

namespace Bitsmith.Compiler.Ir
{
    /// <summary>
    /// A model as a typed dataflow graph with static shapes. <see cref="Nodes"/> is
    /// kept in topological order; constants are values with
    /// <see cref="Value.Constant"/> set and no producer.
    /// </summary>
    public sealed class Graph
    {
        public Graph(string name, string? sourcePath)
        {
            Name = name;
            SourcePath = sourcePath;
        }

        public string Name { get; }

        /// <summary>The file the graph came from, for error messages.</summary>
        public string? SourcePath { get; }

        /// <summary>Domain to opset version, as imported ("" is the ONNX domain).</summary>
        public Dictionary<string, int> Opsets { get; } = new Dictionary<string, int>();

        public List<Value> Inputs { get; } = new List<Value>();

        public List<Value> Outputs { get; } = new List<Value>();

        public List<Node> Nodes { get; } = new List<Node>();

        /// <summary>The node that produces each non-input, non-constant value.</summary>
        public Dictionary<Value, Node> Producers()
        {
            var map = new Dictionary<Value, Node>();
            foreach (var n in Nodes)
                foreach (var o in n.Outputs)
                    map[o] = n;
            return map;
        }

        /// <summary>The nodes reading each value (a node reading it twice is listed twice).</summary>
        public Dictionary<Value, List<Node>> Consumers()
        {
            var map = new Dictionary<Value, List<Node>>();
            foreach (var n in Nodes)
                foreach (var i in n.Inputs)
                    if (i != null)
                    {
                        if (!map.TryGetValue(i, out var list))
                            map[i] = list = new List<Node>();
                        list.Add(n);
                    }
            return map;
        }

        /// <summary>Every constant value that some node reads.</summary>
        public IEnumerable<Value> Constants() =>
            Nodes.SelectMany(n => n.Inputs).Where(v => v != null && v.IsConstant).Distinct()!;

        /// <summary>Replaces every use of <paramref name="from"/> (node inputs and graph outputs) by <paramref name="to"/>.</summary>
        public void ReplaceUses(Value from, Value to)
        {
            foreach (var n in Nodes)
                for (int i = 0; i < n.Inputs.Count; i++)
                    if (n.Inputs[i] == from)
                        n.Inputs[i] = to;
            for (int i = 0; i < Outputs.Count; i++)
                if (Outputs[i] == from)
                    Outputs[i] = to;
        }
    }
}
