using System;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Cli.Execution
{
    /// <summary>
    /// Seeded random inputs for a graph. A float input that feeds a per-tensor QuantizeLinear is
    /// drawn uniformly over that quantiser's range (a little past both ends, so that saturation is
    /// exercised too); another float input over [-1, 1]; an integer input over its type's range
    /// (int32 and int64, as indices would be, over [0, 16)).
    /// </summary>
    public static class RandomInputs
    {
        public static Tensor[] Create(Graph graph, Random random) =>
            graph.Inputs.Select(v => Create(graph, v, random)).ToArray();

        private static Tensor Create(Graph graph, Value input, Random random)
        {
            var t = Tensor.Zeros(input.Type, input.Shape);
            if (input.Type == ElementType.Float32)
            {
                var (lo, hi) = FloatRange(graph, input);
                var data = t.Floats;
                for (int i = 0; i < data.Length; i++)
                    data[i] = (float)(lo + random.NextDouble() * (hi - lo));
                return t;
            }
            if (input.Type == ElementType.Bool)
            {
                var data = t.Bools;
                for (int i = 0; i < data.Length; i++)
                    data[i] = random.Next(2) == 1;
                return t;
            }
            long min = input.Type is ElementType.Int32 or ElementType.Int64 ? 0 : input.Type.MinValue();
            long max = input.Type is ElementType.Int32 or ElementType.Int64 ? 15 : input.Type.MaxValue();
            for (int i = 0; i < t.Length; i++)
                t.SetInt64(i, random.NextInt64(min, max + 1));
            return t;
        }

        /// <summary>The real range a quantiser reading <paramref name="input"/> represents, widened by 5 % each side; else [-1, 1].</summary>
        public static (double Lo, double Hi) FloatRange(Graph graph, Value input)
        {
            var q = graph.Nodes.FirstOrDefault(n => n.OpType == "QuantizeLinear" && n.Input(0) == input);
            var scale = q?.Input(1)?.Constant;
            if (q == null || scale == null || scale.Length != 1 || !(scale.Floats[0] > 0))
                return (-1, 1);
            var zeroPoint = q.Input(2)?.Constant;
            var type = zeroPoint?.Type ?? ElementType.UInt8;
            long zp = zeroPoint == null ? 0 : zeroPoint.GetInt64(0);
            double lo = scale.Floats[0] * (type.MinValue() - zp), hi = scale.Floats[0] * (type.MaxValue() - zp);
            double margin = (hi - lo) * 0.05;
            return (lo - margin, hi + margin);
        }
    }
}
