using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>The small graph edits passes share: who reads a value, replacing a value, fresh names, re-running a type rule.</summary>
    internal static class GraphEdit
    {
        /// <summary>The nodes reading <paramref name="v"/>, once per node however many of its inputs it is.</summary>
        public static List<Node> ConsumersOf(Graph graph, Value v) =>
            graph.Nodes.Where(n => n.Inputs.Contains(v)).ToList();

        public static bool IsGraphOutput(Graph graph, Value v) => graph.Outputs.Contains(v);

        /// <summary>
        /// The node <paramref name="v"/> is read by, if it is read by exactly one node, at input
        /// 0 only, and is not a graph output: the condition for fusing its producer with that node.
        /// </summary>
        public static Node? SoleReader(Graph graph, Value v)
        {
            if (IsGraphOutput(graph, v))
                return null;
            var readers = ConsumersOf(graph, v);
            if (readers.Count != 1 || readers[0].Inputs.IndexOf(v) != 0 || readers[0].Inputs.LastIndexOf(v) != 0)
                return null;
            return readers[0];
        }

        /// <summary>The node producing <paramref name="v"/>, or null for inputs and constants.</summary>
        public static Node? ProducerOf(Graph graph, Value v) =>
            graph.Nodes.FirstOrDefault(n => n.Outputs.Contains(v));

        /// <summary>
        /// Whether <paramref name="removed"/> may be replaced by <paramref name="survivor"/>: a graph
        /// output keeps its name, so the survivor takes it, which a graph input (part of the model's
        /// interface) or another graph output cannot.
        /// </summary>
        public static bool CanReplace(Graph graph, Value removed, Value survivor) =>
            !IsGraphOutput(graph, removed) || !graph.Inputs.Contains(survivor) && !IsGraphOutput(graph, survivor);

        /// <summary>
        /// Makes every reader of <paramref name="removed"/> (nodes and graph outputs) read
        /// <paramref name="survivor"/>; a graph output's name passes to the survivor. The caller
        /// removes the producer of <paramref name="removed"/>. Check <see cref="CanReplace"/> first.
        /// </summary>
        public static void Replace(Graph graph, Value removed, Value survivor)
        {
            if (IsGraphOutput(graph, removed))
            {
                string name = removed.Name;
                removed.Name = FreshName(graph, name + "_removed");
                survivor.Name = name;
            }
            graph.ReplaceUses(removed, survivor);
        }

        /// <summary>A value name not used in the graph, built from <paramref name="stem"/>.</summary>
        public static string FreshName(Graph graph, string stem)
        {
            var used = new HashSet<string>(graph.Inputs.Select(v => v.Name)
                .Concat(graph.Outputs.Select(v => v.Name))
                .Concat(graph.Nodes.SelectMany(n => n.Inputs.Where(v => v != null).Select(v => v!.Name)))
                .Concat(graph.Nodes.SelectMany(n => n.Outputs.Select(v => v.Name))));
            if (!used.Contains(stem))
                return stem;
            for (int i = 1; ; i++)
            {
                string name = stem + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!used.Contains(name))
                    return name;
            }
        }

        /// <summary>Re-runs the node's type rule after its inputs changed.</summary>
        public static void Reinfer(Node node) => OperatorRegistry.For(node).Infer(node);

        /// <summary>
        /// Re-runs the type rule of a node whose inputs a pass changed tentatively: false if the
        /// op rejects them or, with <paramref name="keepTypes"/>, would give an output another type
        /// or shape than it has. The outputs are then as before, and the pass undoes its change
        /// (the op is the authority on which quantised forms it takes).
        /// </summary>
        public static bool TryReinfer(Node node, bool keepTypes = true)
        {
            var saved = node.Outputs.Select(o => (o.Type, o.Shape, o.Quant)).ToArray();
            bool ok;
            try
            {
                Reinfer(node);
                ok = !keepTypes || node.Outputs.Select((o, i) => o.Type == saved[i].Type && Shape.SameAs(o.Shape, saved[i].Shape)).All(same => same);
            }
            catch (ModelException)
            {
                ok = false;
            }
            if (!ok)
                for (int i = 0; i < saved.Length; i++)
                    (node.Outputs[i].Type, node.Outputs[i].Shape, node.Outputs[i].Quant) = saved[i];
            return ok;
        }

        /// <summary>A float constant of the op's inputs, or null if it is absent, computed, quantised or not f32.</summary>
        public static float[]? FloatConstant(Value? v) =>
            v?.Constant != null && v.Quant == null && v.Type == ElementType.Float32 ? v.Constant.Floats : null;

        /// <summary>The op (in the ONNX domain, or "com.microsoft" when <paramref name="alsoMicrosoft"/>) of a node.</summary>
        public static bool Is(Node node, string opType, bool alsoMicrosoft = false)
        {
            string domain = OperatorRegistry.NormalizeDomain(node.Domain);
            return node.OpType == opType && (domain.Length == 0 || alsoMicrosoft && domain == QdqLayout.MicrosoftDomain);
        }
    }
}
