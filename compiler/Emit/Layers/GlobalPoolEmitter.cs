namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// GlobalAveragePool and GlobalMaxPool (<see cref="Compiler.Ops.GlobalPool"/>): per (N, C) plane
    /// the mean (summed in double) or the NaN-propagating maximum, on real values.
    /// </summary>
    public sealed class GlobalPoolEmitter : OpEmitter
    {
        private readonly bool _max;

        public GlobalPoolEmitter(string opType, bool max)
        {
            OpType = opType;
            _max = max;
        }

        public override string OpType { get; }

        public override void Emit(LayerContext c)
        {
            int planes = c.OutShape(0)[0] * c.OutShape(0)[1];
            int inner = planes == 0 ? 0 : c.In(0).Length / planes;
            string p = c.Local("p"), i = c.Local("i"), r = c.Local("r");
            using (c.W.Block($"for (int {p} = 0; {p} < {planes}; {p}++)"))
            {
                c.W.Line($"double {r} = {(_max ? "double.NegativeInfinity" : "0")};");
                using (c.W.Block($"for (int {i} = 0; {i} < {inner}; {i}++)"))
                {
                    string x = c.Real(0, $"{p} * {inner} + {i}");
                    c.W.Line(_max ? $"{r} = global::System.Math.Max({r}, {x});" : $"{r} = {r} + {x};");
                }
                c.W.Line(c.Store(0, p, _max ? $"(float){r}" : $"(float)({r} / {inner})"));
            }
        }
    }
}
