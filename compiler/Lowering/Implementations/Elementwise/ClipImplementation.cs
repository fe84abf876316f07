using System.Collections.Generic;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Elementwise
{
    /// <summary>Clip of a float tensor to constant bounds on <c>Runtime.Kernels.Elementwise.Clipper</c>.</summary>
    public sealed class ClipImplementation : LayerImplementation
    {
        public override string Name => "clip_f32_vec";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "Clip")
                return "not a Clip";
            Value x = node.Inputs[0]!, y = node.Outputs[0];
            if (x.Type != ElementType.Float32 || x.Quant != null || y.Quant != null || node.Activation != null)
                return "not a float Clip";
            for (int i = 1; i < node.Inputs.Count; i++)
                if (node.Inputs[i] is Value bound && (bound.Constant == null || bound.Constant.Length != 1))
                    return "a bound is not one constant";
            return null;
        }

        public override string Describe(Node node) => "vectorised clip";

        public override double EstimatedNanoseconds(Node node) => Shape.Size(node.Outputs[0].Shape) * 0.1 + 20;

        public override IEnumerable<PlanAttribute> Lower(Node node)
        {
            // The interpreter's bounds: the inputs (opset 11+) or the attributes, each as a float.
            float lo = node.OpsetVersion < 11 ? node.GetFloat("min", float.MinValue) : (float)(node.Input(1)?.Constant?.GetDouble(0) ?? float.MinValue);
            float hi = node.OpsetVersion < 11 ? node.GetFloat("max", float.MaxValue) : (float)(node.Input(2)?.Constant?.GetDouble(0) ?? float.MaxValue);
            return new[] { PlanAttribute.Of("bounds", lo, hi) };
        }

        public override bool ReplacesInput(Node node, int input) => input > 0;

        public override void Emit(LayerContext c)
        {
            var bounds = c.Step.Floats("bounds");
            c.W.Line($"{RuntimeNames.Kernels}.Elementwise.Clipper.Clip({c.InName(0)}, {CSharp.Float(bounds[0])}, {CSharp.Float(bounds[1])}, {c.OutName(0)});");
        }
    }
}
