using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// The loop forms (<see cref="Strategy"/>) each layer can take, best first, with the reason
    /// for each: the fallbacks <see cref="Implementations.ImplementationSelector"/> ranks after
    /// the kernels that apply.
    /// </summary>
    public static class StrategySelector
    {
        /// <summary>Ops whose output is their input under another shape.</summary>
        private static readonly HashSet<string> ViewOps = new HashSet<string> { "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity" };

        /// <summary>The ONNX integer ops: integer in, integer sums out.</summary>
        private static readonly HashSet<string> IntegerOps = new HashSet<string> { "ConvInteger", "QLinearConv", "MatMulInteger", "QLinearMatMul" };

        /// <summary>Every node's loop forms, best first.</summary>
        public static IReadOnlyList<IReadOnlyList<StrategyChoice>> Candidates(Graph graph)
        {
            var consumers = graph.Consumers();
            var outputs = new HashSet<Value>(graph.Outputs);
            return graph.Nodes.Select(node => Candidates(node, consumers, outputs)).ToList();
        }

        /// <summary>The strategies <paramref name="node"/> can use, the default first.</summary>
        private static IReadOnlyList<StrategyChoice> Candidates(Node node, Dictionary<Value, List<Node>> consumers, HashSet<Value> outputs)
        {
            var generic = new StrategyChoice(Strategy.Generic, "scalar loops in the reference interpreter's order");
            if (ViewOps.Contains(node.OpType))
                return outputs.Contains(node.Outputs[0])
                    ? new[] { new StrategyChoice(Strategy.Generic, "the output is a graph output: copied into the caller's span") }
                    : new[] { new StrategyChoice(Strategy.View, "the input's memory under a new shape: no copy"), new StrategyChoice(Strategy.Generic, "a copy") };
            if (IntegerOps.Contains(node.OpType))
                return new[] { new StrategyChoice(Strategy.IntegerReference, "integer op: exact sums in long") };
            if (node.OpType != "Conv" && node.OpType != "Gemm" && node.OpType != "MatMul")
                return new[] { generic };

            Value x = node.Inputs[0]!, w = node.Inputs[1]!;
            // Conv's quantised input is always per tensor; Gemm and MatMul need A per tensor for the integer form.
            if (x.Quant != null && x.Quant.IsPerTensor && w.Quant != null)
                return new[] { new StrategyChoice(Strategy.IntegerReference, $"quantised {Bits(x)}-bit input and {Bits(w)}-bit weight: exact integer sums of (x - zx)(w - zw) in long") };
            if (x.Quant != null || w.Quant != null)
                return new[] { new StrategyChoice(Strategy.Generic, "quantised operands without the exact integer form (one float, or A per axis): real values in scalar loops") };

            string? blocker = Fp32Blocker(node, w, consumers, outputs);
            return blocker == null
                ? new[] { new StrategyChoice(Strategy.Fp32, Fp32Reason(node)), generic }
                : new[] { new StrategyChoice(Strategy.Generic, $"float layer, but {blocker}") };
        }

        /// <summary>Why the vectorised f32 kernel cannot run this layer (it needs both operands of each dot product contiguous), or null.</summary>
        private static string? Fp32Blocker(Node node, Value w, Dictionary<Value, List<Node>> consumers, HashSet<Value> outputs)
        {
            if (node.OpType == "Conv")
                return null;
            if (node.OpType == "Gemm" && node.GetInt("transA", 0) != 0)
                return "transA = 1 makes the rows of A strided";
            if (node.OpType == "Gemm" && node.GetInt("transB", 0) != 0)
                return null;
            if (!w.IsConstant)
                return "B is computed at run time, so its columns cannot be packed as rows";
            if (consumers[w].Count > 1 || outputs.Contains(w))
                return "B is read elsewhere too, so it cannot be packed transposed for this layer alone";
            return null;
        }

        private static string Fp32Reason(Node node) => node.OpType == "Conv"
            ? "float layer: each output is a dot product of a weight row with the input patch gathered into the workspace, through the runtime's vectorised f32 kernel"
            : "float layer: each output is a dot product of a row of A with a row of B (packed transposed when stored as columns), through the runtime's vectorised f32 kernel";

        private static int Bits(Value v) => v.Quant!.Bits;
    }
}
