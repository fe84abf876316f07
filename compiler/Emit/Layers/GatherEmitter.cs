using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// Gather (<see cref="Gather"/>): for each index (negative counts from the end) the slice of
    /// data at that position of the axis, copied into every outer row; an index out of range throws.
    /// </summary>
    public sealed class GatherEmitter : OpEmitter
    {
        public override string OpType => "Gather";

        public override IEnumerable<PlanAttribute> Lower(Node node) =>
            new[] { PlanAttribute.Of("axis", Axes.Normalize(node, node.GetInt("axis", 0), node.Inputs[0]!.Rank)) };

        public override void Emit(LayerContext c)
        {
            int[] data = c.InShape(0);
            int axis = (int)c.Step.Int("axis");
            int outer = 1, inner = 1, n = data[axis], count = c.In(1).Length;
            for (int d = 0; d < axis; d++)
                outer *= data[d];
            for (int d = axis + 1; d < data.Length; d++)
                inner *= data[d];
            string j = c.Local("j"), index = c.Local("index"), o = c.Local("o"), e = c.Local("e");
            using (c.W.Block($"for (int {j} = 0; {j} < {count}; {j}++)"))
            {
                c.W.Line($"long {index} = {c.Element(1, j)};");
                c.W.Line($"if ({index} < {-n} || {index} >= {n}) throw new global::System.IndexOutOfRangeException($\"Gather: index {{{index}}} is out of range for an axis of size {n}\");");
                c.W.Line($"if ({index} < 0) {index} += {n};");
                using (c.W.Block($"for (int {o} = 0; {o} < {outer}; {o}++)"))
                {
                    if (LayerContext.IsPacked(c.In(0)))
                        c.W.Line($"for (int {e} = 0; {e} < {inner}; {e}++) {c.OutName(0)}[({o} * {count} + {j}) * {inner} + {e}] = {c.Element(0, $"({o} * {n} + (int){index}) * {inner} + {e}")};");
                    else
                        c.W.Line($"{c.InName(0)}.Slice(({o} * {n} + (int){index}) * {inner}, {inner}).CopyTo({c.OutName(0)}.Slice(({o} * {count} + {j}) * {inner}, {inner}));");
                }
            }
        }
    }
}
