using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// One dot product of Gemm and MatMul, <c>Σ_p A[aStart + p·aStep] · B[bStart + p·bStep]</c>, as
    /// <see cref="Ops.DotProduct"/> computes it: on real values summed in double, or (quantised A
    /// per tensor and quantised B) as exact long sums over each run of p that shares B's
    /// parameters, each run scaled once by <c>sa · sb</c>.
    /// </summary>
    public static class MatrixProduct
    {
        /// <summary>Declares a double local holding the dot product and returns its name.</summary>
        public static string Emit(LayerContext c, int a, int b, string aStart, long aStep, string bStart, long bStep, int k, int bKAxis)
        {
            string dot = c.Local("dot"), p = c.Local("p");
            string At(string start, long step) => step == 1 ? $"{start} + {p}" : $"{start} + {p} * {step}";
            if (c.Step.Strategy != Strategy.IntegerReference)
            {
                c.W.Line($"double {dot} = 0;");
                c.W.Line($"for (int {p} = 0; {p} < {k}; {p}++) {dot} += (double)({c.Real(a, At(aStart, aStep))}) * ({c.Real(b, At(bStart, bStep))});");
                return dot;
            }

            var qb = c.In(b).Quant!;
            var (sa, za) = c.Params(c.In(a), "0", "a");
            string acc = c.Local("acc"), bi = c.Local("bi");
            if (qb.IsPerTensor || qb.BlockSize == 0 && qb.Axis != bKAxis)
            {
                // B's parameters do not change along the sum: one run.
                c.W.Line($"long {acc} = 0;");
                using (c.W.Block($"for (int {p} = 0; {p} < {k}; {p}++)"))
                {
                    c.W.Line($"int {bi} = {At(bStart, bStep)};");
                    c.W.Line($"{acc} += (long)({c.Element(a, At(aStart, aStep))} - {za}) * ({c.Element(b, bi)} - {c.Params(c.In(b), bi, "b").ZeroPoint});");
                }
                c.W.Line($"double {dot} = {acc} * ((double){sa} * {c.Params(c.In(b), bStart, "b").Scale});");
                return dot;
            }

            string run = c.Local("run"), q = c.Local("q");
            string scale = c.Table("bScale", qb.Scale), zero = c.Table("bZeroPoint", qb.ZeroPoint);
            c.W.Line($"double {dot} = 0;");
            c.W.Line($"long {acc} = 0;");
            c.W.Line($"int {run} = -1;");
            using (c.W.Block($"for (int {p} = 0; {p} < {k}; {p}++)"))
            {
                c.W.Line($"int {bi} = {At(bStart, bStep)};");
                c.W.Line($"int {q} = {LayerContext.ParamIndex(qb, c.InShape(b), bi)};");
                using (c.W.Block($"if ({q} != {run})"))
                {
                    c.W.Line($"if ({run} >= 0) {dot} += {acc} * ((double){sa} * {scale}[{run}]);");
                    c.W.Line($"{acc} = 0;");
                    c.W.Line($"{run} = {q};");
                }
                c.W.Line($"{acc} += (long)({c.Element(a, At(aStart, aStep))} - {za}) * ({c.Element(b, bi)} - {zero}[{q}]);");
            }
            c.W.Line($"if ({run} >= 0) {dot} += {acc} * ((double){sa} * {scale}[{run}]);");
            return dot;
        }
    }
}
