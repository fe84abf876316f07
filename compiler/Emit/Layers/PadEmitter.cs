using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// Pad (<see cref="Compiler.Ops.Pad"/>) in every mode: lowering resolves, per output axis, the
    /// input coordinate each output coordinate copies (-1 for the constant), so the code is one
    /// table lookup per axis. The constant is the constant_value input, else the lowered fill.
    /// </summary>
    public sealed class PadEmitter : OpEmitter
    {
        public override string OpType => "Pad";

        public override IEnumerable<PlanAttribute> Lower(Node node)
        {
            var type = node.Inputs[0]!.Type;
            var fill = Compiler.Ops.Pad.AttributeFill(node, type);
            var maps = Compiler.Ops.Pad.Sources(node).Select((m, d) => PlanAttribute.Of("source-" + d.ToString(System.Globalization.CultureInfo.InvariantCulture), m));
            return maps.Concat(new[] { type == ElementType.Float32 ? PlanAttribute.Of("fill", fill.Floats[0]) : PlanAttribute.Of("fill", fill.GetInt64(0)) });
        }

        public override void Emit(LayerContext c)
        {
            int[] shape = c.OutShape(0), input = c.InShape(0);
            var strides = Shape.Strides(input);
            var y = c.Out(0);
            string type = CSharp.ElementType(y.Type);
            string fill = c.HasIn(2) ? c.Element(2, "0")
                : y.Type == ElementType.Float32 ? CSharp.Float(c.Step.Float("fill"))
                : y.Type == ElementType.Bool ? (c.Step.Int("fill") != 0 ? "true" : "false")
                : $"unchecked(({type}){CSharp.Long(c.Step.Int("fill"))})";
            string Index(int d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var maps = Enumerable.Range(0, shape.Length).Select(d => c.Table("source" + Index(d), c.Step.Ints("source-" + Index(d)).Select(v => (int)v))).ToArray();
            var axes = shape.Select(_ => c.Local("d")).ToArray();
            var at = shape.Select(_ => c.Local("s")).ToArray();
            var blocks = new List<System.IDisposable>();
            for (int d = 0; d < shape.Length; d++)
            {
                blocks.Add(c.W.Block($"for (int {axes[d]} = 0; {axes[d]} < {shape[d]}; {axes[d]}++)"));
                c.W.Line($"int {at[d]} = {maps[d]}[{axes[d]}];");
            }
            string outside = shape.Length == 0 ? "false" : string.Join(" || ", at.Select(a => $"{a} < 0"));
            string source = shape.Length == 0 ? "0" : string.Join(" + ", at.Select((a, d) => strides[d] == 1 ? a : $"{a} * {strides[d]}"));
            c.W.Line($"{c.OutName(0)}[{Window.FlatIndex(axes, shape)}] = {outside} ? {fill} : {c.Element(0, source)};");
            for (int d = blocks.Count - 1; d >= 0; d--)
                blocks[d].Dispose();
        }
    }
}
