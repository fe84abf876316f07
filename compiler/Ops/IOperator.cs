using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// One ONNX operator: its type rule and its reference semantics, kept together
    /// so that the shape a pass relies on and the values the oracle computes cannot
    /// drift apart. Implementations are stateless singletons.
    /// </summary>
    public interface IOperator
    {
        string OpType { get; }

        /// <summary>"" for the ONNX domain.</summary>
        string Domain { get; }

        /// <summary>The oldest opset version whose semantics <see cref="Evaluate"/> implements.</summary>
        int MinOpset { get; }

        /// <summary>
        /// Checks input types, shapes and attributes, and sets the type and shape of every
        /// output. May read constant inputs (a Reshape's shape). Throws
        /// <see cref="ModelException"/> via <see cref="Node.Error"/> on anything invalid.
        /// </summary>
        void Infer(Node node);

        /// <summary>
        /// Computes the outputs with exact ONNX semantics, in simple scalar code.
        /// <paramref name="inputs"/> parallels <see cref="Node.Inputs"/> (null for an absent optional input).
        /// Integer arithmetic stays in integer types.
        /// </summary>
        Tensor[] Evaluate(Node node, Tensor?[] inputs);
    }
}
