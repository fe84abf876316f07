using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// DynamicQuantizeLinear (<see cref="Compiler.Ops.DynamicQuantizeLinear"/>): in float32, the range
    /// [min(0, min x), max(0, max x)] gives the scale (1 for an empty range) and the zero point
    /// roundHalfEven(clamp(-min / scale, 0, 255)); x is then quantised to u8 with them.
    /// </summary>
    public sealed class DynamicQuantizeLinearEmitter : OpEmitter
    {
        public override string OpType => "DynamicQuantizeLinear";

        public override void Emit(LayerContext c)
        {
            int n = c.In(0).Length;
            string i = c.Local("i"), lo = c.Local("lo"), hi = c.Local("hi"), v = c.Local("v"), scale = c.Local("scale"), zero = c.Local("zeroPoint"), zp = c.Local("zp");
            c.W.Line($"float {lo} = 0, {hi} = 0;");
            using (c.W.Block($"for (int {i} = 0; {i} < {n}; {i}++)"))
            {
                c.W.Line($"float {v} = {c.Element(0, i)};");
                c.W.Line($"{lo} = {v} < {lo} ? {v} : {lo};");
                c.W.Line($"{hi} = {v} > {hi} ? {v} : {hi};");
            }
            c.W.Line($"float {scale} = {hi} == {lo} ? 1f : (float)(({hi} - {lo}) / 255f);");
            c.W.Line($"float {zero} = (float)(0f - {lo} / {scale});");
            c.W.Line($"int {zp} = (int)global::System.Math.Round((double)global::System.Math.Max(0f, global::System.Math.Min(255f, {zero})), global::System.MidpointRounding.ToEven);");
            c.W.Line($"for (int {i} = 0; {i} < {n}; {i}++) {c.OutName(0)}[{i}] = (byte)global::Bitsmith.Runtime.Quantize.Saturate({c.Element(0, i)} / {scale}, {zp}, 0, 255);");
            c.W.Line($"{c.OutName(1)}[0] = {scale};");
            c.W.Line($"{c.OutName(2)}[0] = (byte){zp};");
        }
    }
}
