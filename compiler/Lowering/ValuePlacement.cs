using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// Decides where every value lives: graph inputs and outputs in the caller's spans,
    /// constants in the weight blob, everything else in arena buffers whose lifetimes come from
    /// liveness over the node order (a buffer is live from the step that writes it to the last
    /// step that reads it or any view of it). A view step's output shares its input's storage.
    /// Step workspaces are buffers live during their step only. A constant that every step reads
    /// only through packed constants of its own (layout null) is not placed.
    /// </summary>
    internal sealed class ValuePlacement
    {
        /// <summary>A value and its storage; <see cref="Index"/> is the input or output index, the buffer, or the constant.</summary>
        public sealed record Placed(Value Value, ValueStorage Storage, int Index);

        private readonly Dictionary<Value, Placed> _placed = new Dictionary<Value, Placed>();
        private readonly Dictionary<Value, Value> _root = new Dictionary<Value, Value>();
        private readonly List<long> _bytes = new List<long>();
        private readonly List<int> _first = new List<int>(), _last = new List<int>();

        private ValuePlacement()
        {
        }

        /// <summary>Every value of the plan: inputs, constants, then node outputs in node order.</summary>
        public List<Placed> Values { get; } = new List<Placed>();

        public List<BufferRequest> Buffers { get; } = new List<BufferRequest>();

        public List<(Value Value, WeightLayout Layout)> Constants { get; } = new List<(Value, WeightLayout)>();

        /// <summary>The buffer of each node's workspace, or -1.</summary>
        public List<int> Workspaces { get; } = new List<int>();

        public static ValuePlacement Place(Graph graph, IReadOnlyList<bool> views, IReadOnlyList<long> workspaces, IReadOnlyList<List<WeightLayout?>> layouts)
        {
            var p = new ValuePlacement();
            for (int i = 0; i < graph.Inputs.Count; i++)
                p.Add(graph.Inputs[i], ValueStorage.Input, i);
            var produced = new HashSet<Value>(graph.Nodes.SelectMany(n => n.Outputs));
            var outputs = new Dictionary<Value, int>();
            for (int i = 0; i < graph.Outputs.Count; i++)
                if (produced.Contains(graph.Outputs[i]) && !outputs.ContainsKey(graph.Outputs[i]))
                    outputs[graph.Outputs[i]] = i;

            for (int i = 0; i < graph.Nodes.Count; i++)
                for (int k = 0; k < graph.Nodes[i].Inputs.Count; k++)
                    if (graph.Nodes[i].Inputs[k] is Value v && v.IsConstant && layouts[i][k] is WeightLayout layout)
                        p.AddConstant(v, layout);
            foreach (var v in graph.Outputs)
                if (v.IsConstant)
                    p.AddConstant(v, WeightLayout.RowMajor);

            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                var node = graph.Nodes[i];
                for (int k = 0; k < node.Inputs.Count; k++)
                    if (node.Inputs[k] is Value v && (!v.IsConstant || layouts[i][k] != null))
                        p.Use(v, i);
                foreach (var o in node.Outputs)
                {
                    if (outputs.TryGetValue(o, out int index))
                    {
                        p.Add(o, ValueStorage.Output, index);
                    }
                    else if (views[i])
                    {
                        var root = p.Root(node.Inputs[0]!);
                        p._root[o] = root;
                        p.Add(o, p._placed[root].Storage, p._placed[root].Index);
                    }
                    else
                    {
                        p.Add(o, ValueStorage.Arena, p.NewBuffer(PlanValue.ElementBytes(o.Type) * (long)Shape.Size(o.Shape), i));
                    }
                }
                p.Workspaces.Add(workspaces[i] > 0 ? p.NewBuffer(workspaces[i], i) : -1);
            }
            for (int b = 0; b < p._bytes.Count; b++)
                p.Buffers.Add(new BufferRequest(p._bytes[b], p._first[b], p._last[b]));
            return p;
        }

        private void Add(Value v, ValueStorage storage, int index)
        {
            var placed = new Placed(v, storage, index);
            _placed[v] = placed;
            Values.Add(placed);
        }

        private void AddConstant(Value v, WeightLayout layout)
        {
            if (_placed.TryGetValue(v, out var existing))
            {
                if (Constants[existing.Index].Layout != layout)
                    throw new InvalidOperationException($"constant '{v.Name}' is wanted in two layouts; the strategy selector must prevent that");
                return;
            }
            Constants.Add((v, layout));
            Add(v, ValueStorage.Weight, Constants.Count - 1);
        }

        private int NewBuffer(long bytes, int step)
        {
            _bytes.Add(bytes);
            _first.Add(step);
            _last.Add(step);
            return _bytes.Count - 1;
        }

        /// <summary>Step <paramref name="step"/> reads <paramref name="v"/>: the buffer behind it stays live until then.</summary>
        private void Use(Value v, int step)
        {
            var placed = _placed[Root(v)];
            if (placed.Storage == ValueStorage.Arena)
                _last[placed.Index] = Math.Max(_last[placed.Index], step);
        }

        private Value Root(Value v) => _root.TryGetValue(v, out var r) ? r : v;
    }
}
