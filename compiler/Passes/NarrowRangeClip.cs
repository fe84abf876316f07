using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>
    /// Rewrites a Clip of the codes a QuantizeLinear writes, <c>Q(x) → Clip(lo, hi)</c>, as a Clip
    /// of the real values before it, <c>Clip(x, (lo - zp)·s, (hi - zp)·s) → Q</c>. PyTorch exports
    /// a quantiser with a range narrower than its type (0..127 in u8) in the first form, which no
    /// quantised node can read; in the second, activation fusion folds the Clip into the layer
    /// before, QDQ recognition proceeds, and the clamp bounds give the true bitwidth.
    /// The codes are the same for every x: quantising is monotonic and the bounds quantise
    /// exactly to lo and hi. Only per-tensor parameters, and only when the zero point lies in
    /// [lo, hi] (a NaN quantises to the zero point, which the code Clip would move).
    /// </summary>
    public sealed class NarrowRangeClip : IPass
    {
        public string Name => "NarrowRangeClip";

        public bool Run(Graph graph)
        {
            bool changed = false;
            foreach (var q in graph.Nodes.ToArray())
            {
                if (!QdqParams.IsQuantize(q))
                    continue;
                var codes = q.Outputs[0];
                var clip = GraphEdit.SoleReader(graph, codes);
                var p = QdqParams.OfQuantize(q);
                // Only a float input: QuantizeLinear may also read int32, and a float Clip cannot read that.
                if (clip == null || !GraphEdit.Is(clip, "Clip") || clip.OpsetVersion < 12 || p == null || !p.IsPerTensor
                    || q.Inputs[0]!.Type != ElementType.Float32)
                    continue;
                Value? lo = clip.Input(1), hi = clip.Input(2);
                if (lo != null && lo.Constant == null || hi != null && hi.Constant == null)
                    continue;
                long min = lo?.Constant!.GetInt64(0) ?? codes.Type.MinValue(), max = hi?.Constant!.GetInt64(0) ?? codes.Type.MaxValue();
                int zp = p.ZeroPoint[0];
                if (min > max || zp < min || zp > max)
                    continue;

                var real = new Value(GraphEdit.FreshName(graph, codes.Name + "_clipped"), ElementType.Float32, q.Inputs[0]!.Shape);
                var floatClip = new Node(clip.Name, "Clip", clip.Domain, clip.OpsetVersion);
                floatClip.Inputs.Add(q.Inputs[0]);
                floatClip.Inputs.Add(Bound(graph, clip, "min", (min - zp) * (double)p.Scale[0]));
                floatClip.Inputs.Add(Bound(graph, clip, "max", (max - zp) * (double)p.Scale[0]));
                floatClip.Outputs.Add(real);
                q.Inputs[0] = real;
                q.Outputs[0] = clip.Outputs[0];
                graph.Nodes.Remove(clip);
                graph.Nodes.Insert(graph.Nodes.IndexOf(q), floatClip);
                GraphEdit.Reinfer(floatClip);
                GraphEdit.Reinfer(q);
                changed = true;
            }
            return changed;
        }

        private static Value Bound(Graph graph, Node clip, string which, double value) =>
            Value.FromConstant(GraphEdit.FreshName(graph, clip.Name + "_" + which), Tensor.Scalar((float)value));
    }
}
