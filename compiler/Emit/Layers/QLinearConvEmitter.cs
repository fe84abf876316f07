using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// QLinearConv (<see cref="Compiler.Ops.QLinearConv"/>): the long sum Σ(x - x_zp)(w - w_zp[m])
    /// plus the s32 bias, requantised as clamp(roundHalfEven(sum · M + y_zp)) (the zero point added before rounding) with
    /// M = (float)(x_scale · w_scale[m]) / y_scale in float32 and the product in double.
    /// </summary>
    public sealed class QLinearConvEmitter : OpEmitter
    {
        public override string OpType => "QLinearConv";

        public override IEnumerable<PlanAttribute> Lower(Node node) => ConvEmitter.Lowered(node, node.Inputs[0]!, node.Inputs[3]!);

        public override void Emit(LayerContext c)
        {
            var g = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            var y = c.Out(0);
            string type = CSharp.ElementType(y.Type);
            string xZero = $"(long){c.Element(2, "0")}";
            g.Emit(c, "long",
                (m, xi, wi) => $"({c.Element(0, xi)} - {xZero}) * ({c.Element(3, wi)} - {ConvIntegerEmitter.ZeroPoint(c, 5, m)})",
                (m, o, acc) =>
                {
                    string multiplier = $"(float)({c.Element(1, "0")} * {c.Element(4, c.In(4).Length == 1 ? "0" : m)}) / {c.Element(6, "0")}";
                    string sum = c.HasIn(8) ? $"{acc} + {c.Element(8, m)}" : acc;
                    string rounded = $"global::System.Math.Round(({sum}) * (double)({multiplier}) + {c.Element(7, "0")}, global::System.MidpointRounding.ToEven)";
                    c.W.Line($"{c.OutName(0)}[{o}] = ({type})global::Bitsmith.Runtime.Quantize.Clamp({rounded}, {y.Type.MinValue()}, {y.Type.MaxValue()});");
                });
        }
    }
}
