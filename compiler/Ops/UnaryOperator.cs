using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// The elementwise f32 activations Sigmoid, Tanh, LeakyRelu (alpha), HardSigmoid (alpha,
    /// beta) and HardSwish, computed in double and rounded to float. Opset 1 differs from
    /// opset 6 only by the ignored consumed_inputs attribute.
    /// </summary>
    public sealed class UnaryOperator : OperatorBase
    {
        public UnaryOperator(string opType, int minOpset = 1)
        {
            OpType = opType;
            MinOpset = minOpset;
        }

        public override string OpType { get; }

        public override int MinOpset { get; }

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            RequireType(node, x, "input", FloatTypes);
            Function(node); // reads the attributes, so a wrongly typed one fails here
            SetOutput(node, 0, ElementType.Float32, x.Shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            var f = Function(node);
            float[] xs = inputs[0]!.Floats;
            var ys = new float[xs.Length];
            for (int i = 0; i < xs.Length; i++)
                ys[i] = (float)f(xs[i]);
            return new[] { Quantization.Output(node, 0, ys, inputs[0]!.Shape) };
        }

        private Func<double, double> Function(Node node)
        {
            switch (OpType)
            {
                case "Sigmoid":
                    return x => 1 / (1 + Math.Exp(-x));
                case "Tanh":
                    return Math.Tanh;
                case "LeakyRelu":
                    double slope = node.GetFloat("alpha", 0.01f);
                    return x => x < 0 ? slope * x : x;
                case "HardSigmoid":
                    double alpha = node.GetFloat("alpha", 0.2f), beta = node.GetFloat("beta", 0.5f);
                    return x => Math.Max(0, Math.Min(1, alpha * x + beta));
                default: // HardSwish: x * HardSigmoid(x) with alpha 1/6, beta 1/2
                    return x => x * Math.Max(0, Math.Min(1, x / 6 + 0.5));
            }
        }
    }
}
