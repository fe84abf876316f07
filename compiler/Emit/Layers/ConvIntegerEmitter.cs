using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>ConvInteger (<see cref="Compiler.Ops.ConvInteger"/>): Σ(x - x_zero_point)(w - w_zero_point[m]) in long, stored as s32.</summary>
    public sealed class ConvIntegerEmitter : OpEmitter
    {
        public override string OpType => "ConvInteger";

        public override IEnumerable<PlanAttribute> Lower(Node node) => ConvEmitter.Lowered(node, node.Inputs[0]!, node.Inputs[1]!);

        public override void Emit(LayerContext c)
        {
            var g = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            string xZero = c.HasIn(2) ? $"(long){c.Element(2, "0")}" : "0L";
            g.Emit(c, "long",
                (m, xi, wi) => $"({c.Element(0, xi)} - {xZero}) * ({c.Element(1, wi)} - {ZeroPoint(c, 3, m)})",
                (m, o, acc) => c.W.Line($"{c.OutName(0)}[{o}] = unchecked((int){acc});"));
        }

        /// <summary>A zero-point input read at run time: one value, or one per output channel <paramref name="m"/>; 0 when absent.</summary>
        public static string ZeroPoint(LayerContext c, int input, string m) =>
            !c.HasIn(input) ? "0L" : $"(long){c.Element(input, c.In(input).Length == 1 ? "0" : m)}";
    }
}
