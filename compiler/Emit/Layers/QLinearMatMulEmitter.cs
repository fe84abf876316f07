using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// QLinearMatMul (<see cref="Compiler.Ops.QLinearMatMul"/>): <c>acc = Σ(a - za)(b - zb)</c> in long,
    /// then <c>zy + roundHalfEven((int)acc · M)</c> clamped to the output type, with
    /// <c>M = (float)((float)(sa · sb) / sy)</c> in float32; the parameters of each row of A and
    /// column of B are read when the model runs.
    /// </summary>
    public sealed class QLinearMatMulEmitter : OpEmitter
    {
        public override string OpType => "QLinearMatMul";

        public override IEnumerable<PlanAttribute> Lower(Node node)
        {
            Value a = node.Inputs[0]!, b = node.Inputs[3]!;
            return MatMulLoops.Lower(node, a, b).Concat(new[]
            {
                PlanAttribute.Of("a-param-index", MatMulLoops.ParamIndices(node, node.Inputs[1]!, a, perRow: true)),
                PlanAttribute.Of("b-param-index", MatMulLoops.ParamIndices(node, node.Inputs[4]!, b, perRow: false)),
            });
        }

        public override void Emit(LayerContext c)
        {
            var g = MatMulLoops.Of(c.Step);
            var y = c.Out(0);
            string aIndex = c.Table("aParam", c.Step.Ints("a-param-index").Select(v => (int)v));
            string bIndex = c.Table("bParam", c.Step.Ints("b-param-index").Select(v => (int)v));
            g.Emit(c, (b, i, j, aBase, bBase, o) =>
            {
                string ap = c.Local("ap"), bp = c.Local("bp"), acc = c.Local("acc"), p = c.Local("p"), q = c.Local("q");
                c.W.Line($"int {ap} = {aIndex}[{b} * {g.M} + {i}], {bp} = {bIndex}[{b} * {g.N} + {j}];");
                c.W.Line($"long {acc} = 0;");
                c.W.Line($"for (int {p} = 0; {p} < {g.K}; {p}++) {acc} += ((long){c.Element(0, $"{aBase} + {p}")} - {c.Element(2, ap)}) * ((long){c.Element(3, $"{bBase} + {p} * {g.N}")} - {c.Element(5, bp)});");
                c.W.Line($"double {q} = {c.Element(7, "0")};");
                if (g.K > 0)
                {
                    string multiplier = $"(float)((float)({c.Element(1, ap)} * {c.Element(4, bp)}) / {c.Element(6, "0")})";
                    c.W.Line($"{q} += global::System.Math.Round(unchecked((int){acc}) * (double){multiplier}, global::System.MidpointRounding.ToEven);");
                }
                c.W.Line($"{c.OutName(0)}[{o}] = ({CSharp.ElementType(y.Type)})global::Bitsmith.Runtime.Quantize.Clamp({q}, {y.Type.MinValue()}, {y.Type.MaxValue()});");
            });
        }
    }
}
