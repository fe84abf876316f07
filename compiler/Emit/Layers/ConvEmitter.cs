using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// Conv (<see cref="Conv"/>) over any number of spatial axes, with groups: in float with
    /// double sums (<see cref="Strategy.Generic"/>: the interpreter's loop order, bit for bit;
    /// <see cref="Strategy.Fp32"/>: the patch gathered into the workspace, then one dot product
    /// per output channel), or with quantised X and W as exact long sums scaled once
    /// (<see cref="Strategy.IntegerReference"/>). A fused activation and output quantisation follow.
    /// </summary>
    public sealed class ConvEmitter : OpEmitter
    {
        public override string OpType => "Conv";

        public override IEnumerable<PlanAttribute> Lower(Node node) => Lowered(node, node.Inputs[0]!, node.Inputs[1]!);

        /// <summary>The window and group of a convolution node with input <paramref name="x"/> and weight <paramref name="w"/>.</summary>
        public static IEnumerable<PlanAttribute> Lowered(Node node, Value x, Value w)
        {
            var g = ConvArithmetic.Infer(node, x, w, out _);
            return Window.Lower(g).Concat(new[] { PlanAttribute.Of("group", node.GetInt("group", 1)) });
        }

        public override long WorkspaceBytes(Node node, Strategy strategy)
        {
            var w = node.Inputs[1]!;
            return strategy == Strategy.Fp32 ? 4L * Shape.Size(w.Shape) / w.Shape[0] : 0;
        }

        public override void Emit(LayerContext c)
        {
            var g = new ConvLoops(c.Step, c.InShape(0), c.OutShape(0));
            if (c.Step.Strategy == Strategy.Fp32)
            {
                EmitFp32(c, g);
            }
            else if (c.Step.Strategy == Strategy.IntegerReference)
            {
                c.UnpackOnce(1);
                // Σ(x - zx)(w - zw[m]) exactly in long, scaled once by sx · sw[m].
                var (sx, zx) = c.Params(c.In(0), "0", "x");
                g.Emit(c, "long",
                    (m, xi, wi) => $"(long)({c.Element(0, xi)} - {zx}) * ({c.Element(1, wi)} - {c.ChannelParams(c.In(1), 0, m, "w").ZeroPoint})",
                    (m, o, acc) => c.W.Line(c.Store(0, o, WithBias(c, m, $"{acc} * ((double){sx} * {c.ChannelParams(c.In(1), 0, m, "w").Scale})"))));
            }
            else
            {
                c.UnpackOnce(1);
                g.Emit(c, "double",
                    (m, xi, wi) => $"(double)({c.Real(0, xi)}) * ({c.Real(1, wi)})",
                    (m, o, acc) => c.W.Line(c.Store(0, o, WithBias(c, m, acc))));
            }
        }

        /// <summary>(float)(sum + bias[m]), the bias in double: f32 as is, quantised s32 as (b - zp) · s.</summary>
        private static string WithBias(LayerContext c, string m, string sum)
        {
            if (!c.HasIn(2))
                return $"(float)({sum})";
            var b = c.In(2);
            if (b.Quant == null)
                return $"(float)({sum} + (double){c.Element(2, m)})";
            var (scale, zero) = c.ChannelParams(b, 0, m, "bias");
            return $"(float)({sum} + ((long){c.Element(2, m)} - {zero}) * (double){scale})";
        }

        /// <summary>Per output position, the patch of each group into the workspace (zeros where the window leaves the input), then a dot product per filter.</summary>
        private static void EmitFp32(LayerContext c, ConvLoops g)
        {
            string patch = c.Local("patch"), b = c.Local("b"), grp = c.Local("g"), ci = c.Local("c"), m = c.Local("m");
            c.W.Line($"global::System.Span<float> {patch} = global::System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>({c.Workspace});");
            using (c.W.Block($"for (int {b} = 0; {b} < {g.Batch}; {b}++)"))
            using (c.W.Block($"for (int {grp} = 0; {grp} < {g.Groups}; {grp}++)"))
            {
                g.Window.OutputLoops(c, (o, axes) =>
                {
                    c.W.Line($"{patch}.Clear();");
                    using (c.W.Block($"for (int {ci} = 0; {ci} < {g.GroupChannels}; {ci}++)"))
                    {
                        string xBase = c.Local("xBase"), pBase = c.Local("pBase");
                        c.W.Line($"int {xBase} = ({b} * {g.Channels} + {grp} * {g.GroupChannels} + {ci}) * {g.Window.InputSize};");
                        c.W.Line($"int {pBase} = {ci} * {g.Window.KernelSize};");
                        g.Window.TapLoops(c, axes, (xi, ki, _) => c.W.Line($"{patch}[{pBase} + {ki}] = {c.Element(0, $"{xBase} + {xi}")};"));
                    }
                    using (c.W.Block($"for (int {m} = {grp} * {g.GroupFilters}; {m} < ({grp} + 1) * {g.GroupFilters}; {m}++)"))
                    {
                        string acc = c.Local("acc");
                        c.W.Line($"double {acc} = global::Bitsmith.Runtime.Kernels.DotProduct.Sum({c.InName(1)}.Slice({m} * {g.PerFilter}, {g.PerFilter}), {patch});");
                        c.W.Line(c.Store(0, g.OutputIndex(b, m, o), WithBias(c, m, acc)));
                    }
                });
            }
        }
    }
}
