using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>Concat (<see cref="Concat"/>): each input contributes one contiguous chunk to every outer row of the output.</summary>
    public sealed class ConcatEmitter : OpEmitter
    {
        public override string OpType => "Concat";

        public override IEnumerable<PlanAttribute> Lower(Node node) =>
            new[] { PlanAttribute.Of("axis", Axes.Normalize(node, node.GetInt("axis"), node.Inputs[0]!.Rank)) };

        public override void Emit(LayerContext c)
        {
            int[] shape = c.OutShape(0);
            int axis = (int)c.Step.Int("axis");
            int outer = 1, inner = 1;
            for (int d = 0; d < axis; d++)
                outer *= shape[d];
            for (int d = axis + 1; d < shape.Length; d++)
                inner *= shape[d];
            int row = shape[axis] * inner, offset = 0;
            string o = c.Local("o"), j = c.Local("j");
            for (int k = 0; k < c.InputCount; k++)
            {
                int chunk = c.InShape(k)[axis] * inner;
                using (c.W.Block($"for (int {o} = 0; {o} < {outer}; {o}++)"))
                {
                    if (LayerContext.IsPacked(c.In(k)))
                        c.W.Line($"for (int {j} = 0; {j} < {chunk}; {j}++) {c.OutName(0)}[{o} * {row} + {offset} + {j}] = {c.Element(k, $"{o} * {chunk} + {j}")};");
                    else
                        c.W.Line($"{c.InName(k)}.Slice({o} * {chunk}, {chunk}).CopyTo({c.OutName(0)}.Slice({o} * {row} + {offset}, {chunk}));");
                }
                offset += chunk;
            }
        }
    }
}
