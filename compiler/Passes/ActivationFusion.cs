using System.Collections.Generic;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>
    /// Folds Relu, Clip with constant bounds (Relu6 is Clip(0, 6)) and HardSwish into the
    /// Conv, Gemm, MatMul or Add that produces their input, as <see cref="Node.Activation"/>,
    /// when the activation is the only reader of that f32 result and the result is not a graph
    /// output. The producer's output survives and takes the activation's readers (and its
    /// name if it was a graph output).
    /// </summary>
    public sealed class ActivationFusion : IPass
    {
        private static readonly HashSet<string> Producers = new HashSet<string> { "Conv", "Gemm", "MatMul", "Add" };

        public string Name => "ActivationFusion";

        public bool Run(Graph graph)
        {
            bool changed = false;
            foreach (var node in graph.Nodes.ToArray())
            {
                var activation = ActivationOf(node);
                var x = node.Input(0);
                if (activation == null || x == null || node.Outputs.Count != 1 || x.Type != ElementType.Float32 || x.Quant != null)
                    continue;
                var producer = GraphEdit.ProducerOf(graph, x);
                if (producer == null || producer.Activation != null || !Producers.Contains(producer.OpType) || !GraphEdit.Is(producer, producer.OpType)
                    || GraphEdit.SoleReader(graph, x) != node || !GraphEdit.CanReplace(graph, node.Outputs[0], x))
                    continue;
                producer.Activation = activation;
                GraphEdit.Replace(graph, node.Outputs[0], x);
                graph.Nodes.Remove(node);
                GraphEdit.Reinfer(producer);
                changed = true;
            }
            return changed;
        }

        /// <summary>The activation a node computes, or null if it is not one this pass fuses.</summary>
        internal static FusedActivation? ActivationOf(Node node)
        {
            if (GraphEdit.Is(node, "Relu"))
                return new FusedActivation(ActivationKind.Relu);
            if (GraphEdit.Is(node, "HardSwish"))
                return new FusedActivation(ActivationKind.HardSwish);
            if (!GraphEdit.Is(node, "Clip"))
                return null;
            // An absent bound is the lowest or highest float, as Clip computes it.
            float min, max;
            if (node.OpsetVersion < 11)
            {
                min = node.GetFloat("min", float.MinValue);
                max = node.GetFloat("max", float.MaxValue);
            }
            else
            {
                Value? lo = node.Input(1), hi = node.Input(2);
                if (lo != null && lo.Constant == null || hi != null && hi.Constant == null)
                    return null;
                min = lo == null ? float.MinValue : (float)lo.Constant!.GetDouble(0);
                max = hi == null ? float.MaxValue : (float)hi.Constant!.GetDouble(0);
            }
            // Clip lets max win when min > max; the fused form tests min first, so leave that case alone.
            return min <= max ? new FusedActivation(ActivationKind.Clip, min, max) : null;
        }
    }
}
