using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>Relu: max(0, x), for f32 and signed integers.</summary>
    public sealed class Relu : OperatorBase
    {
        public override string OpType => "Relu";

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            RequireType(node, x, "input", ElementType.Float32, ElementType.Int8, ElementType.Int32, ElementType.Int64);
            SetOutput(node, 0, x.Type, x.Shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            var x = inputs[0]!;
            var y = Tensor.Zeros(x.Type, x.Shape);
            if (x.Type == ElementType.Float32)
            {
                float[] xs = x.Floats, ys = y.Floats;
                for (int i = 0; i < xs.Length; i++)
                    ys[i] = xs[i] < 0 ? 0 : xs[i];
            }
            else
            {
                for (int i = 0; i < x.Length; i++)
                    y.SetInt64(i, System.Math.Max(0, x.GetInt64(i)));
            }
            return new[] { y };
        }
    }
}
