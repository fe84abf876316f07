using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>The operators the compiler supports, by (domain, op type).</summary>
    public static class OperatorRegistry
    {
        private static readonly Dictionary<(string, string), IOperator> ByName = All().ToDictionary(o => (o.Domain, o.OpType));

        /// <summary>Every supported operator. Add a new one here.</summary>
        private static IEnumerable<IOperator> All() => new IOperator[]
        {
            // Elementwise
            new BinaryOperator("Add"), new BinaryOperator("Sub"), new BinaryOperator("Mul"), new BinaryOperator("Div"),
            new Relu(),

            // Convolution and pooling
            new Conv(), new ConvInteger(), new QLinearConv(),
            new MaxPool(), new AveragePool(), GlobalPool.Average(), GlobalPool.Max(),

            // Normalisation and padding
            new BatchNormalization(), new Pad(),

            // Activations
            new UnaryOperator("Sigmoid"), new UnaryOperator("Tanh"), new UnaryOperator("LeakyRelu"), new UnaryOperator("HardSigmoid"),
            new UnaryOperator("HardSwish", minOpset: 14),
            new Clip(),
            new Softmax(),

            // Data movement
            new Reshape(), new Flatten(), new Squeeze(), new Unsqueeze(), new Transpose(), new Concat(), new Gather(), new Identity(),
            new Constant(),

            // Matrix products
            new Gemm(), new MatMul(), new MatMulInteger(), new QLinearMatMul(),

            // Quantisation (ONNX Runtime's quantiser writes int4 Q/DQ in com.microsoft before opset 21)
            new QuantizeLinear(""), new DequantizeLinear(""), new DynamicQuantizeLinear(),
            new QuantizeLinear(QdqLayout.MicrosoftDomain), new DequantizeLinear(QdqLayout.MicrosoftDomain),
        };

        public static IEnumerable<string> SupportedOpTypes => ByName.Keys.Select(k => k.Item1.Length == 0 ? k.Item2 : k.Item1 + "." + k.Item2).OrderBy(s => s);

        public static bool TryGet(string domain, string opType, out IOperator op) =>
            ByName.TryGetValue((NormalizeDomain(domain), opType), out op!);

        /// <summary>The operator for a node; throws a <see cref="ModelException"/> for an unknown op or too old an opset.</summary>
        public static IOperator For(Node node)
        {
            if (!TryGet(node.Domain, node.OpType, out var op))
                throw node.Unsupported($"op '{(node.Domain.Length == 0 ? "" : node.Domain + ".")}{node.OpType}' is not supported");
            if (node.OpsetVersion < op.MinOpset)
                throw node.Unsupported($"opset {node.OpsetVersion} of {node.OpType} is not supported (from opset {op.MinOpset})");
            return op;
        }

        /// <summary>"ai.onnx" is another name of the default domain.</summary>
        public static string NormalizeDomain(string domain) => domain == "ai.onnx" ? "" : domain;
    }
}
