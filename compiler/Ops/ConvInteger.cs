using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// ConvInteger: Σ(x - x_zero_point)(w - w_zero_point) over each window, as s32.
    /// x_zero_point is a scalar; w_zero_point a scalar or one per output channel; both default to 0.
    /// </summary>
    public sealed class ConvInteger : OperatorBase
    {
        public override string OpType => "ConvInteger";

        public override int MinOpset => 10;

        public override void Infer(Node node)
        {
            Value x = node.RequiredInput(0), w = node.RequiredInput(1);
            RequireType(node, x, "input", ElementType.UInt8, ElementType.Int8);
            RequireType(node, w, "weight", ElementType.UInt8, ElementType.Int8);
            ConvArithmetic.Infer(node, x, w, out int[] shape);
            if (node.Input(2) is Value xz)
            {
                RequireType(node, xz, "x_zero_point", x.Type);
                ConvArithmetic.CheckParam(node, xz, "x_zero_point", 0);
            }
            if (node.Input(3) is Value wz)
            {
                RequireType(node, wz, "w_zero_point", w.Type);
                ConvArithmetic.CheckParam(node, wz, "w_zero_point", w.Shape[0]);
            }
            SetOutput(node, 0, ElementType.Int32, shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Tensor x = inputs[0]!, w = inputs[1]!;
            var g = ConvArithmetic.Infer(node, node.Inputs[0]!, node.Inputs[1]!, out int[] shape);
            long[] xc = ConvArithmetic.Centered(x, ZeroPoints(inputs, 2));
            long[] wc = ConvArithmetic.Centered(w, ZeroPoints(inputs, 3));
            long[] acc = ConvArithmetic.Accumulate(g, x.Shape, shape, (int)node.GetInt("group", 1), xc, wc);
            var y = Tensor.Zeros(ElementType.Int32, shape);
            for (int i = 0; i < acc.Length; i++)
                y.SetInt64(i, acc[i]);
            return new[] { y };
        }

        private static long[] ZeroPoints(Tensor?[] inputs, int index) =>
            index < inputs.Length && inputs[index] != null ? inputs[index]!.ToInt64Array() : new long[] { 0 };
    }
}
