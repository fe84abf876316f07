using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// AveragePool (<see cref="AveragePool"/>): the taps inside the input summed in double, divided
    /// by their count, or with count_include_pad by the taps inside the padded input.
    /// </summary>
    public sealed class AveragePoolEmitter : OpEmitter
    {
        public override string OpType => "AveragePool";

        public override IEnumerable<PlanAttribute> Lower(Node node) =>
            Window.Lower(WindowGeometry.ForPool(node, node.Inputs[0]!, out _))
                .Concat(new[] { PlanAttribute.Of("count-include-pad", node.GetInt("count_include_pad", 0)) });

        public override void Emit(LayerContext c)
        {
            var window = Window.Of(c.Step, c.InShape(0), c.OutShape(0));
            bool includePad = c.Step.Int("count-include-pad") == 1;
            int planes = c.OutShape(0)[0] * c.OutShape(0)[1];
            string p = c.Local("p"), sum = c.Local("sum"), count = c.Local("count");
            using (c.W.Block($"for (int {p} = 0; {p} < {planes}; {p}++)"))
            {
                window.OutputLoops(c, (o, axes) =>
                {
                    c.W.Line($"double {sum} = 0;");
                    c.W.Line($"int {count} = {(includePad ? "1" : "0")};");
                    if (includePad)
                        PaddedCount(c, window, axes, count);
                    window.TapLoops(c, axes, (xi, _, _) =>
                    {
                        c.W.Line($"{sum} += {c.Real(0, $"{p} * {window.InputSize} + {xi}")};");
                        if (!includePad)
                            c.W.Line($"{count}++;");
                    });
                    c.W.Line(c.Store(0, $"{p} * {window.OutputSize} + {o}", $"(float)({sum} / {count})"));
                });
            }
        }

        /// <summary>Multiplies <paramref name="count"/> by, per axis, the taps that fall inside the padded input (<see cref="WindowGeometry.PaddedTapCount"/>).</summary>
        private static void PaddedCount(LayerContext c, Window window, string[] axes, string count)
        {
            for (int d = 0; d < axes.Length; d++)
            {
                string inside = c.Local("inside"), k = c.Local("k"), position = c.Local("p");
                c.W.Line($"int {inside} = 0;");
                using (c.W.Block($"for (int {k} = 0; {k} < {window.Kernel[d]}; {k}++)"))
                {
                    c.W.Line($"int {position} = {window.Position(axes[d], k, d)};");
                    c.W.Line($"if ({position} >= {-window.PadBegin[d]} && {position} < {(long)window.Input[d] + window.PadEnd[d]}) {inside}++;");
                }
                c.W.Line($"{count} *= {inside};");
            }
        }
    }
}
