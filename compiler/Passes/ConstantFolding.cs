using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>
    /// Evaluates every node whose inputs are all constants with the op's reference semantics and
    /// makes its outputs constants. Nodes come in topological order, so a chain folds in one
    /// sweep. Kept as they are: DequantizeLinear (QDQ recognition must see the integer weight
    /// behind it, not its float image), nodes reading a codebook weight (folding would
    /// materialise it), and outputs larger than <see cref="MaxElements"/> that are also larger
    /// than every input (a small subgraph that expands into a huge tensor is cheaper to compute
    /// at run time; one that does not expand, such as Q(w), is not).
    /// </summary>
    public sealed class ConstantFolding : IPass
    {
        /// <summary>16 M elements (64 MB of f32): the largest tensor folding creates.</summary>
        public const int MaxElements = 1 << 24;

        public string Name => "ConstantFolding";

        public bool Run(Graph graph)
        {
            bool changed = false;
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                var node = graph.Nodes[i];
                if (!CanFold(node))
                    continue;
                var results = OperatorRegistry.For(node).Evaluate(node, node.Inputs.Select(v => v?.Constant).ToArray());
                for (int k = 0; k < node.Outputs.Count; k++)
                    node.Outputs[k].Constant = results[k];
                graph.Nodes.RemoveAt(i--);
                changed = true;
            }
            return changed;
        }

        private static bool CanFold(Node node) =>
            !GraphEdit.Is(node, "DequantizeLinear", alsoMicrosoft: true)
            && node.Inputs.All(v => v == null || v.Constant != null)
            && node.Outputs.All(o => Shape.Size(o.Shape) <= MaxElements || Shape.Size(o.Shape) <= LargestInput(node));

        /// <summary>
        /// The cap is against expansion: an output no larger than an input it replaces (a
        /// fake-quantised weight's QuantizeLinear) folds at any size, or it would stay float
        /// in the weights and be quantised again on every run.
        /// </summary>
        private static long LargestInput(Node node) =>
            node.Inputs.Where(v => v != null).Select(v => (long)Shape.Size(v!.Shape)).DefaultIfEmpty(0).Max();
    }
}
