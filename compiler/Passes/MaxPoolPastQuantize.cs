using System;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>
    /// Moves a float MaxPool past the Clip and QuantizeLinear after it:
    /// <c>x → MaxPool → [Clip] → Q</c> becomes <c>x → [Clip] → Q → DQ → MaxPool → Q</c> (the last Q
    /// with the same parameters), so that activation fusion folds the Clip into the layer before,
    /// that layer writes 8-bit codes, and QDQ recognition makes the pool an 8-bit MaxPool: one
    /// float pass over the larger map and its float pool become a pool of bytes. A Relu before
    /// the pool goes when the Clip's lower bound is at least 0 (the Clip then does its work).
    /// <para>
    /// Exact: Clip and quantising are monotone non-decreasing, and the maximum of monotone
    /// images is the image of the maximum, for every input but NaN (whose MaxPool rules differ
    /// from its quantised code's); -0 and +0 quantise alike. So the pool's input must be unable to
    /// hold NaN: the output of a Conv, Gemm or MatMul (optionally through a Relu) whose operands are
    /// dequantised codes or finite constants small enough that no product or sum overflows.
    /// Every window must also hold a tap of the input (a window of padding alone gives 0, not
    /// the code of anything): unit dilations, pads under the kernel, no ceil_mode.
    /// </para>
    /// </summary>
    public sealed class MaxPoolPastQuantize : IPass
    {
        public string Name => "MaxPoolPastQuantize";

        public bool Run(Graph graph)
        {
            bool changed = false;
            foreach (var pool in graph.Nodes.ToArray())
            {
                if (!GraphEdit.Is(pool, "MaxPool") || pool.Outputs.Count != 1 || !EveryWindowHoldsATap(pool))
                    continue;
                Value x = pool.Inputs[0]!, pooled = pool.Outputs[0];
                if (x.Type != ElementType.Float32 || x.Quant != null)
                    continue;
                var next = GraphEdit.SoleReader(graph, pooled);
                Node? clip = next != null && GraphEdit.Is(next, "Clip") ? next : null;
                Node? q = clip != null ? GraphEdit.SoleReader(graph, clip.Outputs[0]) : next;
                if (q == null || !QdqParams.IsQuantize(q) || q.Domain.Length > 0 || QdqParams.OfQuantize(q) is not { IsPerTensor: true })
                    continue;
                // Constant bounds only (the ones activation fusion can fold).
                var bounds = clip != null ? ActivationFusion.ActivationOf(clip) : null;
                if (clip != null && bounds == null)
                    continue;
                float clipLow = bounds?.Min ?? float.NegativeInfinity;
                // The Relu before the pool, if the Clip makes it redundant.
                var producer = GraphEdit.ProducerOf(graph, x);
                Node? relu = producer != null && GraphEdit.Is(producer, "Relu") && GraphEdit.SoleReader(graph, x) == pool ? producer : null;
                var layer = relu != null ? GraphEdit.ProducerOf(graph, relu.Inputs[0]!) : producer;
                if (layer == null || !CannotBeNaN(graph, layer))
                    continue;
                bool dropRelu = relu != null && clipLow >= 0;
                Value source = dropRelu ? relu!.Inputs[0]! : x;

                Rewrite(graph, pool, clip, q, relu, source, dropRelu);
                changed = true;
            }
            return changed;
        }

        private static void Rewrite(Graph graph, Node pool, Node? clip, Node q, Node? relu, Value source, bool dropRelu)
        {
            Value codes = q.Outputs[0];
            int[] shape = source.Shape;
            // [Clip] and Q now read the pool's input; a new value carries the unpooled codes.
            Value first = source;
            if (clip != null)
            {
                var clipped = new Value(GraphEdit.FreshName(graph, clip.Outputs[0].Name + "_unpooled"), ElementType.Float32, shape);
                clip.Inputs[0] = first;
                clip.Outputs[0] = clipped;
                first = clipped;
            }
            var unpooled = new Value(GraphEdit.FreshName(graph, codes.Name + "_unpooled"), codes.Type, shape);
            var requantize = new Node(GraphEdit.FreshName(graph, q.Name + "_pooled"), q.OpType, q.Domain, q.OpsetVersion);
            foreach (var a in q.Attributes)
                requantize.Attributes[a.Key] = a.Value;
            q.Inputs[0] = first;
            q.Outputs[0] = unpooled;
            var dequantize = new Node(GraphEdit.FreshName(graph, q.Name + "_dq"), "DequantizeLinear", "", q.OpsetVersion);
            var real = new Value(GraphEdit.FreshName(graph, codes.Name + "_real"), ElementType.Float32, shape);
            dequantize.Inputs.Add(unpooled);
            for (int i = 1; i < q.Inputs.Count; i++)
                dequantize.Inputs.Add(q.Inputs[i]);
            if (q.Attributes.TryGetValue("axis", out var axis))
                dequantize.Attributes["axis"] = axis;
            dequantize.Outputs.Add(real);
            pool.Inputs[0] = real;
            var pooledReal = pool.Outputs[0];
            requantize.Inputs.Add(pooledReal);
            for (int i = 1; i < q.Inputs.Count; i++)
                requantize.Inputs.Add(q.Inputs[i]);
            requantize.Outputs.Add(codes);

            if (dropRelu)
                graph.Nodes.Remove(relu!);
            // Order: [Clip], Q, DQ, MaxPool, Q where the pool was.
            graph.Nodes.Remove(pool);
            if (clip != null)
                graph.Nodes.Remove(clip);
            int at = graph.Nodes.IndexOf(q);
            graph.Nodes.Remove(q);
            var chain = new[] { clip, q, dequantize, pool, requantize }.Where(n => n != null).Select(n => n!).ToArray();
            graph.Nodes.InsertRange(at, chain);
            foreach (var n in chain)
                GraphEdit.Reinfer(n);
        }

        /// <summary>Unit dilations, no ceil_mode, explicit pads each under the kernel: every window overlaps the input.</summary>
        private static bool EveryWindowHoldsATap(Node pool)
        {
            string autoPad = pool.GetString("auto_pad", "NOTSET");
            long[] kernel = pool.GetInts("kernel_shape") ?? Array.Empty<long>();
            long[] pads = pool.GetInts("pads") ?? new long[2 * kernel.Length];
            long[] dilations = pool.GetInts("dilations") ?? Enumerable.Repeat(1L, kernel.Length).ToArray();
            if (kernel.Length == 0 || autoPad != "NOTSET" && autoPad != "VALID" || pool.GetInt("ceil_mode", 0) != 0 || pads.Length != 2 * kernel.Length)
                return false;
            for (int i = 0; i < kernel.Length; i++)
                if (dilations[i] != 1 || pads[i] >= kernel[i] || pads[i + kernel.Length] >= kernel[i])
                    return false;
            return pool.Inputs[0]!.Shape.Length == kernel.Length + 2;
        }

        /// <summary>
        /// A Conv, Gemm or MatMul over dequantised codes and finite constants whose largest possible
        /// sum stays far below float's range: no infinity can arise, so no NaN.
        /// </summary>
        private static bool CannotBeNaN(Graph graph, Node layer)
        {
            if (!(GraphEdit.Is(layer, "Conv") || GraphEdit.Is(layer, "Gemm") || GraphEdit.Is(layer, "MatMul")) || layer.Outputs.Count != 1)
                return false;
            double bound = 1;
            for (int i = 0; i < layer.Inputs.Count; i++)
            {
                var v = layer.Inputs[i];
                if (v == null)
                    continue;
                double largest = LargestMagnitude(graph, v);
                if (double.IsNaN(largest))
                    return false;
                if (i < 2)
                    bound *= largest;
                else
                    bound += largest;
            }
            var w = layer.Inputs[1]!;
            long depth = w.Shape.Aggregate(1L, (a, d) => a * Math.Max(d, 1));
            return bound * depth < 1e30;
        }

        /// <summary>The largest |value| <paramref name="v"/> can hold: a finite constant's, or a DequantizeLinear's of any code; NaN if unknown.</summary>
        private static double LargestMagnitude(Graph graph, Value v)
        {
            if (v.Constant != null)
            {
                var t = v.Constant;
                double largest = 0;
                for (int i = 0; i < Shape.Size(t.Shape); i++)
                {
                    double d = Math.Abs(t.GetDouble(i));
                    if (double.IsNaN(d) || double.IsInfinity(d))
                        return double.NaN;
                    largest = Math.Max(largest, d);
                }
                return largest;
            }
            var dq = GraphEdit.ProducerOf(graph, v);
            if (dq == null || !QdqParams.IsDequantize(dq))
                return double.NaN;
            var p = QdqParams.OfDequantize(dq);
            if (p == null)
                return double.NaN;
            var type = dq.Inputs[0]!.Type;
            double code = Math.Max(Math.Abs((double)type.MinValue()), Math.Abs((double)type.MaxValue())) + p.ZeroPoint.Select(z => Math.Abs((double)z)).Max();
            return code * p.Scale.Select(s => Math.Abs((double)s)).Max();
        }
    }
}
