using Bitsmith.Compiler.Ir;
using static System.FormattableString;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Gemm: <c>Y = alpha · A' · B' + beta · C</c> with A' = transA ? Aᵀ : A (M x K) and
    /// B' = transB ? Bᵀ : B (K x N). C broadcasts to [M, N] (before opset 7 only when the
    /// <c>broadcast</c> attribute is set, else it must be [M, N]); it is optional from opset 11.
    /// The float form sums in double. The quantised form (see <see cref="MatrixOperator"/>)
    /// sums Σ(a - za)(b - zb) exactly in long and scales by <c>sa · sb[n]</c>; C is f32 or a
    /// quantised s32 bias. The result goes through <see cref="Quantization.Output"/>, which
    /// applies a fused activation and quantises a quantised output.
    /// </summary>
    public sealed class Gemm : MatrixOperator
    {
        public override string OpType => "Gemm";

        public override void Infer(Node node)
        {
            Value a = node.RequiredInput(0), b = node.RequiredInput(1);
            Value? c = node.OpsetVersion < 11 ? node.RequiredInput(2) : node.Input(2);
            ProductType(node, a, b, ElementType.Float32);
            RequireRank(node, a, "input A", 2);
            RequireRank(node, b, "input B", 2);
            var (m, k, n) = Dimensions(node, a, b);
            if (c != null)
            {
                if (c.Quant == null)
                    RequireType(node, c, "input C", ElementType.Float32);
                else
                    RequireType(node, c, "quantised input C", ElementType.Int32, ElementType.UInt8, ElementType.Int8, ElementType.UInt4, ElementType.Int4);
                bool broadcasts = node.OpsetVersion >= 7 || node.GetInt("broadcast", 0) != 0;
                if (!(broadcasts ? BroadcastsTo(c.Shape, m, n) : Shape.SameAs(c.Shape, new[] { m, n })))
                    throw node.Error(Invariant($"input C '{c.Name}' {Shape.Format(c.Shape)} does not {(broadcasts ? "broadcast to" : "match")} the output [{m},{n}]"));
            }
            SetOutput(node, 0, ElementType.Float32, new[] { m, n });
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Value va = node.Inputs[0]!, vb = node.Inputs[1]!;
            Value? vc = node.Input(2);
            Tensor a = inputs[0]!, b = inputs[1]!;
            bool transA = node.GetInt("transA", 0) != 0, transB = node.GetInt("transB", 0) != 0;
            double alpha = node.GetFloat("alpha", 1f), beta = node.GetFloat("beta", 1f);
            var (m, k, n) = Dimensions(node, va, vb);
            int[] shape = { m, n };

            double[]? c = null;
            int[]? ci = null;
            if (vc != null)
            {
                c = Quantization.RealValuesInDouble(vc, inputs[2]!);
                ci = Broadcast.SourceIndices(shape, inputs[2]!.Shape);
            }

            bool integer = IsIntegerForm(va, vb);
            float[]? ra = integer ? null : Quantization.RealValues(va, a);
            float[]? rb = integer ? null : Quantization.RealValues(vb, b);
            var y = new float[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    // A'(i, p) and B'(p, j) as strides over the stored layouts.
                    int aStart = transA ? i : i * k, aStep = transA ? m : 1;
                    int bStart = transB ? j * k : j, bStep = transB ? 1 : n;
                    double dot = integer
                        ? DotProduct.Quantized(a, va.Quant!, aStart, aStep, b, vb.Quant!, bStart, bStep, k)
                        : DotProduct.Real(ra!, aStart, aStep, rb!, bStart, bStep, k);
                    int o = i * n + j;
                    y[o] = (float)(alpha * dot + (c != null ? beta * c[ci![o]] : 0));
                }
            return new[] { Quantization.Output(node, 0, y, shape) };
        }

        private static (int M, int K, int N) Dimensions(Node node, Value a, Value b)
        {
            bool transA = node.GetInt("transA", 0) != 0, transB = node.GetInt("transB", 0) != 0;
            int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
            int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
            if (k != kb)
                throw node.Error(Invariant($"inner dimensions differ: A' is [{m},{k}] (A {Shape.Format(a.Shape)}, transA={(transA ? 1 : 0)}), B' is [{kb},{n}] (B {Shape.Format(b.Shape)}, transB={(transB ? 1 : 0)})"));
            return (m, k, n);
        }

        /// <summary>Unidirectional broadcasting: C's shape stretches to [M, N] without changing it.</summary>
        private static bool BroadcastsTo(int[] c, int m, int n)
        {
            if (c.Length > 2)
                return false;
            int[] target = { m, n };
            for (int i = 0; i < c.Length; i++)
            {
                int d = c[c.Length - 1 - i], t = target[1 - i];
                if (d != t && d != 1)
                    return false;
            }
            return true;
        }
    }
}
