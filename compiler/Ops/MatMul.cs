using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// MatMul with numpy.matmul semantics (<see cref="MatMulGeometry"/>). f32 sums in double;
    /// s32 and s64 in their own type with wrap-around. The quantised form (see
    /// <see cref="MatrixOperator"/>: A per tensor, B per tensor, per output column or per block
    /// along K) sums Σ(a - za)(b - zb) exactly in long and scales by <c>sa · sb</c>; its result,
    /// like the f32 one, goes through <see cref="Quantization.Output"/>, which applies a fused
    /// activation and quantises a quantised output.
    /// </summary>
    public sealed class MatMul : MatrixOperator
    {
        public override string OpType => "MatMul";

        public override void Infer(Node node)
        {
            Value a = node.RequiredInput(0), b = node.RequiredInput(1);
            var type = ProductType(node, a, b, ElementType.Float32, ElementType.Int32, ElementType.Int64);
            SetOutput(node, 0, type, MatMulGeometry.Of(node, a, b).OutputShape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Value va = node.Inputs[0]!, vb = node.Inputs[1]!;
            Tensor a = inputs[0]!, b = inputs[1]!;
            var g = MatMulGeometry.Of(node, va, vb);
            int m = g.M, k = g.K, n = g.N;

            if (va.Quant == null && vb.Quant == null && a.Type != ElementType.Float32)
            {
                var y = Tensor.Zeros(a.Type, g.OutputShape);
                for (int batch = 0; batch < g.Batches; batch++)
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                            y.SetInt64((batch * m + i) * n + j, DotProduct.Integer(a, g.AOffset(batch) + i * k, 1, b, g.BOffset(batch) + j, n, k));
                return new[] { y };
            }

            bool integer = IsIntegerForm(va, vb);
            float[]? ra = integer ? null : Quantization.RealValues(va, a);
            float[]? rb = integer ? null : Quantization.RealValues(vb, b);
            var real = new float[Shape.Size(g.OutputShape)];
            for (int batch = 0; batch < g.Batches; batch++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        int aStart = g.AOffset(batch) + i * k, bStart = g.BOffset(batch) + j;
                        real[(batch * m + i) * n + j] = (float)(integer
                            ? DotProduct.Quantized(a, va.Quant!, aStart, 1, b, vb.Quant!, bStart, n, k)
                            : DotProduct.Real(ra!, aStart, 1, rb!, bStart, n, k));
                    }
            return new[] { Quantization.Output(node, 0, real, g.OutputShape) };
        }
    }
}
