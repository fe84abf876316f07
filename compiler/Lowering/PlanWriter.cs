using Bitsmith.Compiler.Ir;
using System.Linq;
using System.Text;
using static Bitsmith.Compiler.Lowering.PlanText;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// Writes a <see cref="Plan"/> as line-based text, one fact a line:
    /// <code>
    /// bitsmith-plan 1
    /// model "demo" source "demo.onnx" isa ""
    /// arena 4096 lower-bound 3136
    /// weights 1152 sha256 9f86d08...
    /// input "image"
    /// output "logits"
    /// value "image" f32 [1,1,28,28] input 0
    /// value "conv1_w" s8 [8,1,3,3] weight 0 row-major quant scale=0.0123,... zero-point=0,... axis=0 block=0 bits=8
    /// step "conv1" Conv "" Fp32
    ///   reason "float layer: ..."
    ///   cost macs=56448 weight-bits=32 activation-bits=32 weight-bytes=320 estimate-ns=8500
    ///   workspace 0 36
    ///   in "image" "conv1_w" "conv1_b"
    ///   out "conv1"
    ///   attr "pads" ints 1,1,1,1
    ///   activation Relu -Infinity Infinity
    /// </code>
    /// A step on a runtime kernel names its implementation (e.g. <c>qconv_u8s8_c4_4x64</c>) and
    /// lists its packed constants: <c>packed "weights" "c4-rows rows=8 channels=1 taps=9" 1216 288</c>
    /// (name, layout, offset and bytes in the weight blob).
    /// An absent optional input is <c>_</c>. <see cref="PlanReader"/> reads it back to an equal plan.
    /// </summary>
    public static class PlanWriter
    {
        public static string Write(Plan plan)
        {
            var sb = new StringBuilder();
            Line(sb, Header, Number(Plan.FormatVersion));
            Line(sb, "model", Quote(plan.ModelName), "source", Quote(plan.SourceFile), "isa", Quote(plan.TargetIsa));
            Line(sb, "arena", Number(plan.ArenaBytes), "lower-bound", Number(plan.ArenaLowerBound));
            Line(sb, "weights", Number(plan.WeightBytes), "sha256", plan.WeightsSha256);
            foreach (var name in plan.Inputs)
                Line(sb, "input", Quote(name));
            foreach (var name in plan.Outputs)
                Line(sb, "output", Quote(name));
            foreach (var v in plan.Values)
                Value(sb, v);
            foreach (var s in plan.Steps)
                Step(sb, s);
            return sb.ToString();
        }

        private static void Value(StringBuilder sb, PlanValue v)
        {
            sb.Append("value ").Append(Quote(v.Name)).Append(' ').Append(v.Type.ShortName())
              .Append(" [").Append(List(v.Shape, d => Number(d))).Append("] ")
              .Append(Kebab(v.Storage)).Append(' ').Append(Number(v.Offset))
              .Append(' ').Append(Kebab(v.Layout));
            if (v.Quant is PlanQuant q)
                sb.Append(" quant scale=").Append(List(q.Scale, Number))
                  .Append(" zero-point=").Append(List(q.ZeroPoint, z => Number(z)))
                  .Append(" axis=").Append(Number(q.Axis))
                  .Append(" block=").Append(Number(q.BlockSize))
                  .Append(" bits=").Append(Number(q.Bits));
            sb.Append('\n');
        }

        private static void Step(StringBuilder sb, PlanStep s)
        {
            Line(sb, "step", Quote(s.Node), s.Op, Quote(s.Domain), s.Implementation);
            Line(sb, "  reason", Quote(s.Reason));
            Line(sb, "  cost", "macs=" + Number(s.Cost.Macs), "weight-bits=" + Number(s.Cost.WeightBits),
                "activation-bits=" + Number(s.Cost.ActivationBits), "weight-bytes=" + Number(s.Cost.WeightBytes), "estimate-ns=" + Number(s.Cost.EstimatedNanoseconds));
            Line(sb, "  workspace", Number(s.WorkspaceOffset), Number(s.WorkspaceBytes));
            Line(sb, new[] { "  in" }.Concat(s.Inputs.Select(i => i == null ? "_" : Quote(i))).ToArray());
            Line(sb, new[] { "  out" }.Concat(s.Outputs.Select(Quote)).ToArray());
            foreach (var a in s.Attributes)
            {
                string values = a.Ints != null ? "ints " + List(a.Ints, Number)
                    : a.Floats != null ? "floats " + List(a.Floats, Number)
                    : "string " + Quote(a.Text ?? "");
                Line(sb, "  attr", Quote(a.Name), values.TrimEnd());
            }
            foreach (var p in s.Packed)
                Line(sb, "  packed", Quote(p.Name), Quote(p.Layout), Number(p.Offset), Number(p.Bytes));
            if (s.Activation is FusedActivation act)
                Line(sb, "  activation", act.Kind.ToString(), Number(act.Min), Number(act.Max));
        }

        private static void Line(StringBuilder sb, params string[] tokens) => sb.Append(string.Join(" ", tokens)).Append('\n');
    }
}
