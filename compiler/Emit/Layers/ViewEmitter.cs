namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// Reshape, Flatten, Squeeze, Unsqueeze and Identity: the same elements in the same order.
    /// As a <see cref="Lowering.Strategy.View"/> the output shares the input's memory and no code
    /// runs; otherwise (the output is a graph output) the elements are copied.
    /// </summary>
    public sealed class ViewEmitter : OpEmitter
    {
        public ViewEmitter(string opType) => OpType = opType;

        public override string OpType { get; }

        public override void Emit(LayerContext c)
        {
            if (!LayerContext.IsPacked(c.In(0)))
            {
                c.W.Line($"{c.InName(0)}.CopyTo({c.OutName(0)});");
                return;
            }
            string i = c.Local("i");
            c.W.Line($"for (int {i} = 0; {i} < {c.Out(0).Length}; {i}++) {c.OutName(0)}[{i}] = {c.Element(0, i)};");
        }
    }
}
