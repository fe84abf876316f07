using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>
    /// Recognises a product-quantised weight, <c>Reshape(Gather(codebook[K, d], indices, axis 0), shape)</c>
    /// with all three constant, read only as the weight (input 1) of Conv, Gemm or MatMul: the
    /// Reshape's output becomes a <see cref="CodebookWeight"/> value and the two nodes go, so the
    /// codes survive to lowering instead of a materialised weight. Runs before constant
    /// folding, which would otherwise compute the dense weight.
    /// </summary>
    public sealed class CodebookRecognition : IPass
    {
        private static readonly string[] WeightReaders = { "Conv", "Gemm", "MatMul" };

        public string Name => "CodebookRecognition";

        public bool Run(Graph graph)
        {
            bool changed = false;
            foreach (var reshape in graph.Nodes.ToArray())
            {
                if (!GraphEdit.Is(reshape, "Reshape") || reshape.Input(1)?.Constant == null)
                    continue;
                var gathered = reshape.Inputs[0]!;
                var gather = GraphEdit.ProducerOf(graph, gathered);
                var weight = reshape.Outputs[0];
                if (gather == null || !IsCodebookGather(gather) || GraphEdit.SoleReader(graph, gathered) != reshape || !IsReadAsWeightOnly(graph, weight))
                    continue;
                weight.Codebook = new CodebookWeight(gather.Inputs[0]!.Constant!, gather.Inputs[1]!.Constant!);
                graph.Nodes.Remove(gather);
                graph.Nodes.Remove(reshape);
                changed = true;
            }
            return changed;
        }

        /// <summary>Gather of whole rows (axis 0) of a constant f32 [K, d] table by constant in-range indices.</summary>
        private static bool IsCodebookGather(Node gather)
        {
            if (!GraphEdit.Is(gather, "Gather") || gather.Inputs.Count != 2)
                return false;
            Value book = gather.Inputs[0]!, indices = gather.Inputs[1]!;
            if (book.Constant == null || book.Quant != null || book.Type != ElementType.Float32 || book.Rank != 2 || indices.Constant == null)
                return false;
            long axis = gather.GetInt("axis", 0);
            if (axis != 0 && axis != -2)
                return false;
            int k = book.Shape[0];
            // An out-of-range index stays for Gather to report when the graph is folded or run.
            return indices.Constant.ToInt64Array().All(i => i >= -k && i < k);
        }

        /// <summary>Every reader of the value reads it as the weight of a Conv, Gemm or MatMul, and it is not a graph output.</summary>
        private static bool IsReadAsWeightOnly(Graph graph, Value weight)
        {
            if (GraphEdit.IsGraphOutput(graph, weight))
                return false;
            var readers = GraphEdit.ConsumersOf(graph, weight);
            return readers.Count > 0 && readers.All(n =>
                WeightReaders.Any(op => GraphEdit.Is(n, op)) && n.Inputs.IndexOf(weight) == 1 && n.Inputs.LastIndexOf(weight) == 1);
        }
    }
}
