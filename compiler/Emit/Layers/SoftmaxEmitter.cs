using System;
using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// Softmax (<see cref="Softmax"/>) in double: lowering resolves the opset's reading of the
    /// axis into [outer, length, inner]; each of the outer·inner rows is normalised over its
    /// length elements: max, then the sum of exp(x - max), then each exp divided by the sum.
    /// </summary>
    public sealed class SoftmaxEmitter : OpEmitter
    {
        public override string OpType => "Softmax";

        public override IEnumerable<PlanAttribute> Lower(Node node)
        {
            var x = node.Inputs[0]!;
            int[] shape = x.Shape;
            int axis = Axes.Normalize(node, node.GetInt("axis", node.OpsetVersion >= 13 ? -1 : 1), x.Rank);
            int outer = Axes.Product(node, shape, 0, axis);
            int length = node.OpsetVersion >= 13 ? shape[axis] : Axes.Product(node, shape, axis, shape.Length);
            int inner = Shape.Size(shape) / Math.Max(1, outer * length);
            return new[] { PlanAttribute.Of("outer", outer), PlanAttribute.Of("length", length), PlanAttribute.Of("inner", inner) };
        }

        public override void Emit(LayerContext c)
        {
            long outer = c.Step.Int("outer"), length = c.Step.Int("length"), inner = c.Step.Int("inner");
            string o = c.Local("o"), i = c.Local("i"), k = c.Local("k"), start = c.Local("start"), max = c.Local("max"), sum = c.Local("sum");
            string At(string kk) => $"{start} + {kk} * {inner}";
            using (c.W.Block($"for (int {o} = 0; {o} < {outer}; {o}++)"))
            using (c.W.Block($"for (int {i} = 0; {i} < {inner}; {i}++)"))
            {
                c.W.Line($"int {start} = {o} * {length * inner} + {i};");
                c.W.Line($"double {max} = double.NegativeInfinity;");
                c.W.Line($"for (int {k} = 0; {k} < {length}; {k}++) {max} = global::System.Math.Max({max}, {c.Element(0, At(k))});");
                c.W.Line($"double {sum} = 0;");
                c.W.Line($"for (int {k} = 0; {k} < {length}; {k}++) {sum} += global::System.Math.Exp({c.Element(0, At(k))} - {max});");
                using (c.W.Block($"for (int {k} = 0; {k} < {length}; {k}++)"))
                    c.W.Line(c.Store(0, At(k), $"(float)(global::System.Math.Exp({c.Element(0, At(k))} - {max}) / {sum})"));
            }
        }
    }
}
