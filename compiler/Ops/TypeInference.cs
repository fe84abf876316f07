using System.Linq;
using Bitsmith.Compiler.Ir;
using static System.FormattableString;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>Runs every node's type rule in graph order, so every value has a static type and shape.</summary>
    public static class TypeInference
    {
        /// <summary>
        /// Infers all types and shapes. With <paramref name="foldShapeArithmetic"/>, Constant nodes and
        /// nodes that compute integers from constants (the Shape/Gather/Concat chains exporters write
        /// to build a Reshape's shape) are evaluated at once: static shapes depend on them. Float
        /// and quantised constants are left to the passes, which know about weights and QDQ.
        /// </summary>
        public static void Run(Graph graph, bool foldShapeArithmetic = false)
        {
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                var node = graph.Nodes[i];
                var op = OperatorRegistry.For(node);
                try
                {
                    foreach (var o in node.Outputs)
                        o.Shape = NotInferred;
                    op.Infer(node);
                    CheckEveryOutputInferred(node);
                    if (foldShapeArithmetic && IsShapeArithmetic(node))
                    {
                        var results = op.Evaluate(node, node.Inputs.Select(v => v?.Constant).ToArray());
                        for (int k = 0; k < results.Length; k++)
                            node.Outputs[k].Constant = results[k];
                        graph.Nodes.RemoveAt(i--);
                    }
                }
                catch (ModelException e) when (e.OpType == null)
                {
                    throw node.Error(e);
                }
            }
        }

        /// <summary>A shape no type rule sets: marks the outputs a node declares but its op does not produce.</summary>
        private static readonly int[] NotInferred = new int[0];

        private static void CheckEveryOutputInferred(Node node)
        {
            for (int k = 0; k < node.Outputs.Count; k++)
                if (ReferenceEquals(node.Outputs[k].Shape, NotInferred))
                    throw node.Unsupported(Invariant($"output {k} ('{node.Outputs[k].Name}') is not produced by {node.OpType}: too many outputs, or an optional output that is not supported"));
        }

        /// <summary>
        /// Shape arithmetic yields short vectors; a larger integer result (an Expand or
        /// ConstantOfShape of a corrupt shape) stays a node rather than being computed
        /// during import, so a small file cannot make the importer allocate gigabytes.
        /// (A Constant node is always folded: its tensor is in the file already.)
        /// </summary>
        public const int MaxFoldedElements = 1 << 16;

        private static bool IsShapeArithmetic(Node node) =>
            node.Inputs.All(v => v == null || v.Constant != null)
            && (node.OpType == "Constant" && node.Domain.Length == 0
                || node.Outputs.All(o => o.Quant == null && (o.Type == ElementType.Int64 || o.Type == ElementType.Int32) && Shape.Size(o.Shape) <= MaxFoldedElements));
    }
}
