using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// MatMulInteger (<see cref="Compiler.Ops.MatMulInteger"/>): Σ(a - a_zero_point[row])(b - b_zero_point[column])
    /// in long, wrapped to s32. Zero points are read when the model runs; lowering records which
    /// one each row and column uses.
    /// </summary>
    public sealed class MatMulIntegerEmitter : OpEmitter
    {
        public override string OpType => "MatMulInteger";

        public override IEnumerable<PlanAttribute> Lower(Node node)
        {
            Value a = node.Inputs[0]!, b = node.Inputs[1]!;
            var attributes = MatMulLoops.Lower(node, a, b).ToList();
            if (node.Input(2) is Value za)
                attributes.Add(PlanAttribute.Of("a-zero-point-index", MatMulLoops.ParamIndices(node, za, a, perRow: true)));
            if (node.Input(3) is Value zb)
                attributes.Add(PlanAttribute.Of("b-zero-point-index", MatMulLoops.ParamIndices(node, zb, b, perRow: false)));
            return attributes;
        }

        public override void Emit(LayerContext c)
        {
            var g = MatMulLoops.Of(c.Step);
            g.Emit(c, (b, i, j, aBase, bBase, o) =>
            {
                string za = ZeroPoint(c, 2, "a-zero-point-index", $"{b} * {g.M} + {i}");
                string zb = ZeroPoint(c, 3, "b-zero-point-index", $"{b} * {g.N} + {j}");
                string acc = c.Local("acc"), p = c.Local("p");
                c.W.Line($"long {acc} = 0;");
                c.W.Line($"for (int {p} = 0; {p} < {g.K}; {p}++) {acc} += ((long){c.Element(0, $"{aBase} + {p}")} - {za}) * ((long){c.Element(1, $"{bBase} + {p} * {g.N}")} - {zb});");
                c.W.Line($"{c.OutName(0)}[{o}] = unchecked((int){acc});");
            });
        }

        /// <summary>The zero point of a row or column, read from its input through the lowered index table; 0 without one.</summary>
        public static string ZeroPoint(LayerContext c, int input, string attribute, string row) =>
            !c.HasIn(input) ? "0L"
            : $"(long){c.Element(input, $"{c.Table(attribute.Replace("-", ""), c.Step.Ints(attribute).Select(v => (int)v))}[{row}]")}";
    }
}
