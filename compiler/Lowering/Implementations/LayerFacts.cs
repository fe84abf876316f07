using System.Collections.Generic;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations
{
    /// <summary>What an implementation may need to know about a layer beyond its node: who reads its values.</summary>
    public sealed class LayerFacts
    {
        private readonly Dictionary<Value, List<Node>> _consumers;
        private readonly HashSet<Value> _outputs;

        public LayerFacts(Graph graph)
        {
            _consumers = graph.Consumers();
            _outputs = new HashSet<Value>(graph.Outputs);
        }

        public bool IsGraphOutput(Value v) => _outputs.Contains(v);

        /// <summary>How many nodes read <paramref name="v"/>.</summary>
        public int Readers(Value v) => _consumers.TryGetValue(v, out var list) ? list.Count : 0;
    }
}
