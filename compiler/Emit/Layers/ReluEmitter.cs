namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>Relu: <c>x &lt; 0 ? 0 : x</c> for f32 (NaN and -0 pass through, as in the interpreter), max(0, x) for integers.</summary>
    public sealed class ReluEmitter : OpEmitter
    {
        public override string OpType => "Relu";

        public override void Emit(LayerContext c)
        {
            string i = c.Local("i"), y = c.OutName(0);
            string type = CSharp.ElementType(c.Out(0).Type);
            using (c.W.Block($"for (int {i} = 0; {i} < {c.Out(0).Length}; {i}++)"))
            {
                string x = c.Element(0, i);
                c.W.Line($"{y}[{i}] = {x} < 0 ? ({type})0 : {x};");
            }
        }
    }
}
