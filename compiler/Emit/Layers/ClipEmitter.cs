using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// Clip (<see cref="Compiler.Ops.Clip"/>): min(max(x, lo), hi), in double for f32 (NaN kept)
    /// and in long for integers. The bounds are the opset 1-10 attributes (lowered) or the
    /// optional scalar inputs, read when the model runs; an absent bound is the type's extreme.
    /// </summary>
    public sealed class ClipEmitter : OpEmitter
    {
        public override string OpType => "Clip";

        public override IEnumerable<PlanAttribute> Lower(Node node) => node.OpsetVersion < 11
            ? new[] { PlanAttribute.Of("min", node.GetFloat("min", float.MinValue)), PlanAttribute.Of("max", node.GetFloat("max", float.MaxValue)) }
            : base.Lower(node);

        public override void Emit(LayerContext c)
        {
            var x = c.In(0);
            string i = c.Local("i"), min = c.Local("min"), max = c.Local("max");
            if (x.Type == ElementType.Float32)
            {
                c.W.Line($"double {min} = {Bound(c, 1, "min", "float.MinValue")};");
                c.W.Line($"double {max} = {Bound(c, 2, "max", "float.MaxValue")};");
                using (c.W.Block($"for (int {i} = 0; {i} < {x.Length}; {i}++)"))
                    c.W.Line(c.Store(0, i, $"(float)global::System.Math.Min(global::System.Math.Max({c.Element(0, i)}, {min}), {max})"));
                return;
            }
            string type = CSharp.ElementType(x.Type);
            c.W.Line($"long {min} = {(c.HasIn(1) ? $"(long){c.Element(1, "0")}" : CSharp.Long(x.Type.MinValue()))};");
            c.W.Line($"long {max} = {(c.HasIn(2) ? $"(long){c.Element(2, "0")}" : CSharp.Long(x.Type.MaxValue()))};");
            using (c.W.Block($"for (int {i} = 0; {i} < {x.Length}; {i}++)"))
                c.W.Line($"{c.OutName(0)}[{i}] = unchecked(({type})global::System.Math.Min(global::System.Math.Max((long){c.Element(0, i)}, {min}), {max}));");
        }

        private static string Bound(LayerContext c, int input, string attribute, string absent) =>
            c.Step.Has(attribute) ? $"(double){CSharp.Float(c.Step.Float(attribute))}"
            : c.HasIn(input) ? $"(double){c.Element(input, "0")}"
            : absent;
    }
}
