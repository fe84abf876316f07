using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Elementwise
{
    /// <summary>
    /// A float Relu that no layer absorbed (ActivationFusion fuses one after a Conv, Gemm, MatMul or
    /// Add) on <c>Runtime.Kernels.Elementwise.Clipper</c>, as a clip to [0, ∞): NaN stays NaN, as in the
    /// interpreter; -0 becomes +0 (the same value).
    /// </summary>
    public sealed class ReluImplementation : LayerImplementation
    {
        public override string Name => "relu_f32_vec";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "Relu")
                return "not a Relu";
            Value x = node.Inputs[0]!, y = node.Outputs[0];
            if (x.Type != ElementType.Float32 || x.Quant != null || y.Quant != null || node.Activation != null)
                return "not a float Relu";
            return null;
        }

        public override string Describe(Node node) => "vectorised maximum with 0";

        public override double EstimatedNanoseconds(Node node) => Shape.Size(node.Outputs[0].Shape) * 0.1 + 20;

        public override void Emit(LayerContext c) =>
            c.W.Line($"{RuntimeNames.Kernels}.Elementwise.Clipper.Clip({c.InName(0)}, 0f, float.PositiveInfinity, {c.OutName(0)});");
    }
}
