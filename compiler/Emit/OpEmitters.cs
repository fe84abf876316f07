using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Emit.Layers;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>The ops generated code supports, by (domain, op type). Add a new one here.</summary>
    public static class OpEmitters
    {
        private static readonly Dictionary<(string, string), OpEmitter> ByName = All().ToDictionary(e => (e.Domain, e.OpType));

        private static IEnumerable<OpEmitter> All() => new OpEmitter[]
        {
            // Elementwise
            new BinaryEmitter("Add"), new BinaryEmitter("Sub"), new BinaryEmitter("Mul"), new BinaryEmitter("Div"),
            new ReluEmitter(),

            // Convolution and pooling
            new ConvEmitter(), new ConvIntegerEmitter(), new QLinearConvEmitter(),
            new MaxPoolEmitter(), new AveragePoolEmitter(),
            new GlobalPoolEmitter("GlobalAveragePool", max: false), new GlobalPoolEmitter("GlobalMaxPool", max: true),

            // Normalisation and padding
            new BatchNormalizationEmitter(), new PadEmitter(),

            // Activations
            new UnaryEmitter("Sigmoid"), new UnaryEmitter("Tanh"), new UnaryEmitter("LeakyRelu"), new UnaryEmitter("HardSigmoid"), new UnaryEmitter("HardSwish"),
            new ClipEmitter(),
            new SoftmaxEmitter(),

            // Data movement
            new ViewEmitter("Reshape"), new ViewEmitter("Flatten"), new ViewEmitter("Squeeze"), new ViewEmitter("Unsqueeze"), new ViewEmitter("Identity"),
            new TransposeEmitter(), new ConcatEmitter(), new GatherEmitter(),

            // Matrix products
            new GemmEmitter(), new MatMulEmitter(), new MatMulIntegerEmitter(), new QLinearMatMulEmitter(),

            // Quantisation
            new QuantizeLinearEmitter("QuantizeLinear", ""), new QuantizeLinearEmitter("DequantizeLinear", ""), new DynamicQuantizeLinearEmitter(),
            new QuantizeLinearEmitter("QuantizeLinear", QdqLayout.MicrosoftDomain), new QuantizeLinearEmitter("DequantizeLinear", QdqLayout.MicrosoftDomain),
        };

        /// <summary>The emitter of a node; an op with none is unsupported.</summary>
        public static OpEmitter For(Node node) =>
            ByName.TryGetValue((node.Domain, node.OpType), out var e) ? e
            : throw node.Unsupported($"op '{(node.Domain.Length == 0 ? "" : node.Domain + ".")}{node.OpType}' has no code generator");

        /// <summary>The emitter of a plan step.</summary>
        public static OpEmitter For(PlanStep step) =>
            ByName.TryGetValue((step.Domain, step.Op), out var e) ? e
            : throw new PlanFormatException($"step '{step.Node}': op '{step.QualifiedOp}' has no code generator");
    }
}
