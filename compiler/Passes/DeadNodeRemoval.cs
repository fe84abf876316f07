using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>
    /// Removes nodes none of whose outputs is read by another node or is a graph output.
    /// Walking backwards removes whole dead chains in one sweep: once a node goes, the
    /// values it read may become unread.
    /// </summary>
    public sealed class DeadNodeRemoval : IPass
    {
        public string Name => "DeadNodeRemoval";

        public bool Run(Graph graph)
        {
            var live = new HashSet<Value>(graph.Outputs);
            var dead = new HashSet<Node>();
            for (int i = graph.Nodes.Count - 1; i >= 0; i--)
            {
                var node = graph.Nodes[i];
                if (node.Outputs.Any(live.Contains))
                {
                    foreach (var input in node.Inputs)
                        if (input != null)
                            live.Add(input);
                }
                else
                {
                    dead.Add(node);
                }
            }
            graph.Nodes.RemoveAll(dead.Contains);
            return dead.Count > 0;
        }
    }
}
