using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// QLinearMatMul: numpy.matmul of quantised u8/s8 operands to a quantised output.
    /// <c>acc = Σ(a - za)(b - zb)</c> is exact (wrapped to 32 bits, as the spec allows), then
    /// <c>y = saturate(roundHalfEven(acc · (sa · sb / sy)) + zy)</c> with the multiplier in
    /// float32 and the product in double, as ONNX's reference computes it. A's parameters are
    /// one value or per row, B's one value or per column (<see cref="MatMulParams"/>), Y's one value.
    /// </summary>
    public sealed class QLinearMatMul : OperatorBase
    {
        public override string OpType => "QLinearMatMul";

        public override int MinOpset => 10;

        public override void Infer(Node node)
        {
            Value a = node.RequiredInput(0), b = node.RequiredInput(3);
            RequireType(node, a, "input a", ElementType.UInt8, ElementType.Int8);
            RequireType(node, b, "input b", ElementType.UInt8, ElementType.Int8);
            var g = MatMulGeometry.Of(node, a, b);
            CheckParams(node, 1, a, perRow: true);
            CheckParams(node, 4, b, perRow: false);
            Value ys = node.RequiredInput(6), yz = node.RequiredInput(7);
            QdqLayout.RequireScaleType(node, ys);
            RequireType(node, yz, "y_zero_point", ElementType.UInt8, ElementType.Int8);
            if (Shape.Size(ys.Shape) != 1 || Shape.Size(yz.Shape) != 1)
                throw node.Unsupported($"y_scale {Shape.Format(ys.Shape)} and y_zero_point {Shape.Format(yz.Shape)} are not one value each: a per-row output scale is not supported");
            SetOutput(node, 0, yz.Type, g.OutputShape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Value va = node.Inputs[0]!, vb = node.Inputs[3]!;
            Tensor a = inputs[0]!, b = inputs[3]!;
            var g = MatMulGeometry.Of(node, va, vb);
            int[] ai = ParamIndices(node, 1, va, a.Shape, perRow: true);
            int[] bi = ParamIndices(node, 4, vb, b.Shape, perRow: false);
            float[] sa = inputs[1]!.Floats, sb = inputs[4]!.Floats;
            Tensor za = inputs[2]!, zb = inputs[5]!;
            float sy = inputs[6]!.Floats[0];
            long zy = inputs[7]!.GetInt64(0);

            var y = Tensor.Zeros(node.Outputs[0].Type, g.OutputShape);
            long lo = y.Type.MinValue(), hi = y.Type.MaxValue();
            int m = g.M, k = g.K, n = g.N;
            for (int batch = 0; batch < g.Batches; batch++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        int aStart = g.AOffset(batch) + i * k, bStart = g.BOffset(batch) + j;
                        long acc = 0;
                        for (int p = 0; p < k; p++)
                        {
                            int x = aStart + p, w = bStart + p * n;
                            acc += (a.GetInt64(x) - za.GetInt64(ai[x])) * (b.GetInt64(w) - zb.GetInt64(bi[w]));
                        }
                        double q = zy;
                        if (k > 0)
                        {
                            // The parameters are constant along K, so the first element's stand for the row and column.
                            float multiplier = (float)((float)(sa[ai[aStart]] * sb[bi[bStart]]) / sy);
                            q += Quantization.RoundHalfEven(unchecked((int)acc) * (double)multiplier);
                        }
                        y.SetInt64((batch * m + i) * n + j, (long)Math.Max(lo, Math.Min(hi, q)));
                    }
            return new[] { y };
        }

        private static void CheckParams(Node node, int scaleIndex, Value x, bool perRow)
        {
            string name = scaleIndex == 1 ? "a" : "b";
            Value scale = node.RequiredInput(scaleIndex), zp = node.RequiredInput(scaleIndex + 1);
            QdqLayout.RequireScaleType(node, scale);
            RequireType(node, zp, name + "_zero_point", x.Type);
            if (!Shape.SameAs(scale.Shape, zp.Shape))
                throw node.Error($"{name}_scale {Shape.Format(scale.Shape)} and {name}_zero_point {Shape.Format(zp.Shape)} must have the same shape");
            MatMulParams.BroadcastShape(node, scale, x, perRow, name + "_scale");
        }

        private static int[] ParamIndices(Node node, int scaleIndex, Value x, int[] shape, bool perRow) =>
            MatMulParams.Indices(MatMulParams.BroadcastShape(node, node.Inputs[scaleIndex]!, x, perRow, "scale"), shape);
    }
}
