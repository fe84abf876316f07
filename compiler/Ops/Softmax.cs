using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Softmax on f32, computed in double. From opset 13 it normalises along one axis
    /// (default -1). Before opset 13 the input is seen as 2-D, [d0*...*d(axis-1),
    /// d(axis)*...*d(n-1)] with axis defaulting to 1, and each row is normalised: the same
    /// only when the axis is the last one.
    /// </summary>
    public sealed class Softmax : OperatorBase
    {
        public override string OpType => "Softmax";

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            RequireType(node, x, "input", FloatTypes);
            Axes.Normalize(node, node.GetInt("axis", DefaultAxis(node)), x.Rank);
            SetOutput(node, 0, ElementType.Float32, x.Shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            var x = inputs[0]!;
            int[] shape = x.Shape;
            int axis = Axes.Normalize(node, node.GetInt("axis", DefaultAxis(node)), x.Rank);
            int outer = Axes.Product(node, shape, 0, axis);
            // Opset 13 reduces over one axis; older opsets over everything from the axis on.
            int length = node.OpsetVersion >= 13 ? shape[axis] : Axes.Product(node, shape, axis, shape.Length);
            int inner = x.Length / Math.Max(1, outer * length);
            float[] xs = x.Floats;
            var ys = new float[xs.Length];
            var e = new double[length];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    int start = o * length * inner + i;
                    double max = double.NegativeInfinity;
                    for (int k = 0; k < length; k++)
                        max = Math.Max(max, xs[start + k * inner]);
                    double sum = 0;
                    for (int k = 0; k < length; k++)
                        sum += e[k] = Math.Exp(xs[start + k * inner] - max);
                    for (int k = 0; k < length; k++)
                        ys[start + k * inner] = (float)(e[k] / sum);
                }
            return new[] { Quantization.Output(node, 0, ys, shape) };
        }

        private static long DefaultAxis(Node node) => node.OpsetVersion >= 13 ? -1 : 1;
    }
}
