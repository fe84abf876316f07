using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>
    /// Turns the QDQ form into quantised nodes: ops read integer values whose
    /// <see cref="Value.Quant"/> says what real numbers they stand for, instead of
    /// DequantizeLinear → op → QuantizeLinear in float. One run does, in order:
    /// <list type="number">
    /// <item>QuantizeLinear outputs read only by DequantizeLinear get their parameters.</item>
    /// <item>DQ then Q with the same parameters and type is the integers themselves: both go.</item>
    /// <item>A DQ before a data-movement op (Reshape, Flatten, Transpose, Squeeze, Unsqueeze,
    /// Concat, Identity) moves after it: the op moves integers. On a constant the op is evaluated
    /// at once, so a per-channel weight may be transposed or reshaped (its axis follows).</item>
    /// <item>A DQ before a computing op of <see cref="Verifier.QuantizedConsumers"/> (Conv, Gemm,
    /// MatMul, Add, the pools) goes: the op reads the integers. The op's own type rule decides
    /// which quantised forms it takes; a form it rejects is undone.</item>
    /// <item>A Q that is the only reader of such an op's result is absorbed: the result becomes
    /// the quantised value (a fused activation is applied before quantising).</item>
    /// </list>
    /// Only parameters held in constants are recognised. A value gets parameters in place only
    /// when every reader is a DQ with those parameters, so no integer op (an integer Add, a
    /// Clip on codes) ever sees its operands change meaning. The pipeline runs this to a fixed
    /// point, since each step exposes the next.
    /// </summary>
    public sealed class QdqRecognition : IPass
    {
        private static readonly HashSet<string> DataMovement = new HashSet<string>
        {
            "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Identity",
        };

        public string Name => "QdqRecognition";

        /// <summary>Ops that move integers unchanged; a DQ before them moves after them.</summary>
        private static bool IsDataMovement(Node n) => DataMovement.Contains(n.OpType) && GraphEdit.Is(n, n.OpType);

        /// <summary>Ops that compute on real values and read quantised inputs directly (the rest of <see cref="Verifier.QuantizedConsumers"/>).</summary>
        private static bool IsQuantizedCompute(Node n) =>
            Verifier.QuantizedConsumers.Contains(n.OpType) && GraphEdit.Is(n, n.OpType) && !DataMovement.Contains(n.OpType) && !QdqParams.IsDequantize(n);

        public bool Run(Graph graph)
        {
            bool changed = AnnotateQuantizeOutputs(graph);
            changed |= ForEach(graph, QdqParams.IsDequantize, RemoveRequantize);
            changed |= ForEach(graph, QdqParams.IsDequantize, SinkThroughDataMovement);
            changed |= ForEach(graph, QdqParams.IsDequantize, FeedComputeReaders);
            changed |= ForEach(graph, IsQuantizedCompute, AbsorbQuantize);
            changed |= RemoveUnread(graph);
            return changed;
        }

        private static bool ForEach(Graph graph, System.Func<Node, bool> match, System.Func<Graph, Node, bool> rewrite)
        {
            bool changed = false;
            foreach (var node in graph.Nodes.Where(match).ToArray())
                if (graph.Nodes.Contains(node))
                    changed |= rewrite(graph, node);
            return changed;
        }

        /// <summary>
        /// Step 1: a Q output read only by DQs carries the Q's parameters. Later steps rewrite
        /// only Q outputs that carry them, so every reader of such a value reads it as quantised.
        /// </summary>
        private static bool AnnotateQuantizeOutputs(Graph graph)
        {
            bool changed = false;
            foreach (var q in graph.Nodes.Where(QdqParams.IsQuantize).ToArray())
            {
                var y = q.Outputs[0];
                var p = QdqParams.OfQuantize(q);
                if (y.Quant != null || p == null || !ReadOnlyByDequantize(graph, y))
                    continue;
                y.Quant = p.WithBits(QuantBits.OfActivation(q, y.Type, p, ClampBefore(graph, q.Inputs[0]!)));
                changed = true;
            }
            return changed;
        }

        /// <summary>Step 2: Q(DQ(x)) with x's own parameters and type is x (a Q with parameters never rounds them differently).</summary>
        private static bool RemoveRequantize(Graph graph, Node dq)
        {
            var x = dq.Inputs[0]!;
            var p = QdqParams.OfDequantize(dq);
            if (x.Quant == null || p == null || !QdqParams.Same(x.Quant, p))
                return false;
            bool changed = false;
            foreach (var q in GraphEdit.ConsumersOf(graph, dq.Outputs[0]).Where(QdqParams.IsQuantize))
            {
                var y = q.Outputs[0];
                if (q.Inputs.IndexOf(dq.Outputs[0]) != 0 || y.Quant == null || !QdqParams.Same(p, y.Quant) || y.Type != x.Type
                    || !GraphEdit.CanReplace(graph, y, x))
                    continue;
                GraphEdit.Replace(graph, y, x);
                graph.Nodes.Remove(q);
                changed = true;
            }
            return changed;
        }

        /// <summary>Step 3: DQ → data movement becomes data movement → DQ.</summary>
        private static bool SinkThroughDataMovement(Graph graph, Node dq)
        {
            bool changed = false;
            foreach (var move in GraphEdit.ConsumersOf(graph, dq.Outputs[0]).Where(IsDataMovement))
                changed |= move.Inputs[0] == dq.Outputs[0] && dq.Inputs[0]!.Constant != null && !GraphEdit.Is(move, "Concat")
                    ? MoveConstant(graph, dq, move)
                    : MoveComputed(graph, move);
            return changed;
        }

        /// <summary>The data movement of a constant integer weight happens now; a DQ with the moved parameters replaces it.</summary>
        private static bool MoveConstant(Graph graph, Node dq, Node move)
        {
            var x = dq.Inputs[0]!;
            var p = QdqParams.OfDequantize(dq);
            var output = move.Outputs[0];
            if (p == null || move.Inputs.Skip(1).Any(v => v != null && v.Constant == null) || move.Inputs.LastIndexOf(dq.Outputs[0]) != 0)
                return false;
            var moved = QdqParams.AfterMove(p, move, x.Shape, output.Shape);
            if (moved == null)
                return false;
            var args = move.Inputs.Select(v => v == dq.Outputs[0] ? x.Constant : v?.Constant).ToArray();
            var t = OperatorRegistry.For(move).Evaluate(move, args)[0];
            var constant = Value.FromConstant(GraphEdit.FreshName(graph, x.Name + "_" + move.OpType.ToLowerInvariant()), t);
            var newDq = CopyDequantize(dq, move.Name + "_dq", constant, output);
            if (!moved.IsPerTensor)
                newDq.Attributes["axis"] = Attribute.Int(moved.Axis);
            graph.Nodes[graph.Nodes.IndexOf(move)] = newDq;
            GraphEdit.Reinfer(newDq);
            return true;
        }

        /// <summary>
        /// A data-movement op whose data inputs all come from DQs with one per-tensor set of
        /// parameters reads the integers; a copy of the DQ after it gives its old readers floats.
        /// </summary>
        private static bool MoveComputed(Graph graph, Node move)
        {
            int dataInputs = GraphEdit.Is(move, "Concat") ? move.Inputs.Count : 1;
            var dqs = new Node[dataInputs];
            var quantized = new Value[dataInputs];
            QuantParams? p = null;
            for (int i = 0; i < dataInputs; i++)
            {
                var v = move.Inputs[i];
                var dq = v == null ? null : GraphEdit.ProducerOf(graph, v);
                var pi = dq != null && QdqParams.IsDequantize(dq) ? QdqParams.OfDequantize(dq) : null;
                if (pi == null || !pi.IsPerTensor || p != null && !QdqParams.Same(p, pi))
                    return false;
                p = pi;
                dqs[i] = dq!;
            }
            for (int i = 0; i < dataInputs; i++)
            {
                var q = Quantized(graph, dqs[i].Inputs[0]!, p!);
                if (q == null)
                    return false;
                quantized[i] = q;
            }

            var output = move.Outputs[0];
            var saved = move.Inputs.ToArray();
            for (int i = 0; i < dataInputs; i++)
                move.Inputs[i] = quantized[i];
            if (!GraphEdit.TryReinfer(move, keepTypes: false))
            {
                move.Inputs.Clear();
                move.Inputs.AddRange(saved);
                return false;
            }

            // The moved op's output now holds integers; its readers get the floats through a new DQ.
            var floats = new Value(GraphEdit.FreshName(graph, output.Name + "_dq"), ElementType.Float32, output.Shape);
            if (GraphEdit.IsGraphOutput(graph, output))
            {
                string name = output.Name;
                output.Name = GraphEdit.FreshName(graph, name + "_q");
                floats.Name = name;
            }
            graph.ReplaceUses(output, floats);
            var newDq = CopyDequantize(dqs[0], move.Name + "_dq", output, floats);
            graph.Nodes.Insert(graph.Nodes.IndexOf(move) + 1, newDq);
            GraphEdit.Reinfer(newDq);
            return true;
        }

        /// <summary>Step 4: computing ops read the integers behind a DQ.</summary>
        private static bool FeedComputeReaders(Graph graph, Node dq)
        {
            var p = QdqParams.OfDequantize(dq);
            if (p == null)
                return false;
            var floats = dq.Outputs[0];
            var readers = GraphEdit.ConsumersOf(graph, floats).Where(IsQuantizedCompute).ToList();
            var quantized = readers.Count > 0 ? Quantized(graph, dq.Inputs[0]!, p) : null;
            if (quantized == null)
                return false;
            bool changed = false;
            foreach (var reader in readers)
            {
                var saved = reader.Inputs.ToArray();
                for (int i = 0; i < reader.Inputs.Count; i++)
                    if (reader.Inputs[i] == floats)
                        reader.Inputs[i] = quantized;
                if (GraphEdit.TryReinfer(reader))
                {
                    changed = true;
                }
                else
                {
                    reader.Inputs.Clear();
                    reader.Inputs.AddRange(saved);
                }
            }
            return changed;
        }

        /// <summary>Step 5: a Q (with parameters from step 1) that alone reads a quantised op's f32 result becomes that result's parameters.</summary>
        private static bool AbsorbQuantize(Graph graph, Node op)
        {
            if (op.Outputs.Count != 1 || !op.Inputs.Any(v => v?.Quant != null && v.Type.IsQuantized()))
                return false;
            var y = op.Outputs[0];
            var q = y.Type == ElementType.Float32 && y.Quant == null ? GraphEdit.SoleReader(graph, y) : null;
            if (q == null || !QdqParams.IsQuantize(q))
                return false;
            var z = q.Outputs[0];
            if (z.Quant == null || !GraphEdit.CanReplace(graph, z, y))
                return false;
            y.Type = z.Type;
            y.Quant = PooledBits(op, z.Quant);
            if (!GraphEdit.TryReinfer(op))
            {
                y.Type = ElementType.Float32;
                y.Quant = null;
                return false;
            }
            GraphEdit.Replace(graph, z, y);
            graph.Nodes.Remove(q);
            return true;
        }

        /// <summary>
        /// A MaxPool of unsigned codes with its input's parameters writes some of its input's codes
        /// (or 0, a window's lowest value): its output is as narrow as its input (the 4-bit codes of
        /// a clamped layer stay 4-bit through the pool after it).
        /// </summary>
        private static QuantParams PooledBits(Node op, QuantParams output)
        {
            var x = op.Inputs[0];
            if (op.OpType != "MaxPool" || x?.Quant == null || x.Type.MinValue() < 0 || !QdqParams.Same(x.Quant, output) || x.Quant.Bits >= output.Bits)
                return output;
            return output.WithBits(x.Quant.Bits);
        }

        /// <summary>Last: Q and DQ nodes this pass left without readers.</summary>
        private static bool RemoveUnread(Graph graph)
        {
            var read = new HashSet<Value>(graph.Outputs.Concat(graph.Nodes.SelectMany(n => n.Inputs).Where(v => v != null))!);
            return graph.Nodes.RemoveAll(n => (QdqParams.IsDequantize(n) || QdqParams.IsQuantize(n)) && !read.Contains(n.Outputs[0])) > 0;
        }

        /// <summary>
        /// The value a reader of DQ(x) reads instead: x carrying <paramref name="p"/>, or null when
        /// x cannot. x takes the parameters in place if it already has them, or if it is a
        /// constant or a graph input read only by DQs with those parameters; a constant read
        /// otherwise too is copied. A constant's bitwidth is the range of its integers.
        /// </summary>
        private static Value? Quantized(Graph graph, Value x, QuantParams p)
        {
            if (x.Quant != null)
                return QdqParams.Same(x.Quant, p) ? x : null;
            if (!x.Type.IsQuantized() && x.Type != ElementType.Int32 || x.Codebook != null)
                return null;
            bool inPlace = ReadOnlyByDequantize(graph, x, p);
            if (x.Constant != null)
            {
                var withBits = p.WithBits(QuantBits.OfConstant(x.Constant, p));
                if (inPlace)
                {
                    x.Quant = withBits;
                    return x;
                }
                return new Value(GraphEdit.FreshName(graph, x.Name + "_q"), x.Type, x.Shape) { Constant = x.Constant, Quant = withBits };
            }
            if (inPlace && graph.Inputs.Contains(x))
            {
                x.Quant = p;
                return x;
            }
            return null;
        }

        /// <summary>Every reader of <paramref name="v"/> is a DQ reading it as its input (with parameters <paramref name="p"/>, when given).</summary>
        private static bool ReadOnlyByDequantize(Graph graph, Value v, QuantParams? p = null) =>
            GraphEdit.ConsumersOf(graph, v).All(n =>
                QdqParams.IsDequantize(n) && n.Inputs.IndexOf(v) == 0 && n.Inputs.LastIndexOf(v) == 0
                && (p == null || QdqParams.OfDequantize(n) is QuantParams pn && QdqParams.Same(p, pn)));

        /// <summary>The clamp applied to the real values a Q reads: a fused activation of their producer, or a Relu or Clip node.</summary>
        private static FusedActivation? ClampBefore(Graph graph, Value x)
        {
            var producer = GraphEdit.ProducerOf(graph, x);
            return producer == null ? null : producer.Activation ?? ActivationFusion.ActivationOf(producer);
        }

        private static Node CopyDequantize(Node dq, string name, Value input, Value output)
        {
            var copy = new Node(name, dq.OpType, dq.Domain, dq.OpsetVersion);
            copy.Inputs.Add(input);
            copy.Inputs.AddRange(dq.Inputs.Skip(1));
            copy.Outputs.Add(output);
            foreach (var a in dq.Attributes)
                copy.Attributes[a.Key] = a.Value;
            return copy;
        }
    }
}
