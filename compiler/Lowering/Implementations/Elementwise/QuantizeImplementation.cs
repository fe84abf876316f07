using System.Collections.Generic;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Lowering.Implementations.Elementwise
{
    /// <summary>QuantizeLinear of a float tensor with one scale and zero point on <c>Runtime.Kernels.Elementwise.Quantizer</c> (16 values a step).</summary>
    public sealed class QuantizeImplementation : LayerImplementation
    {
        public override string Name => "quantize_f32_vec";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "QuantizeLinear" || node.Domain.Length > 0 && node.Domain != QdqLayout.MicrosoftDomain)
                return "not a QuantizeLinear";
            Value x = node.Inputs[0]!, y = node.Outputs[0];
            Value? scale = node.Input(1), zero = node.Input(2);
            if (x.Type != ElementType.Float32 || x.Quant != null)
                return "the input is not float";
            if (y.Type != ElementType.UInt8 && y.Type != ElementType.Int8)
                return $"the output is {y.Type.ShortName()}, not u8 or s8";
            if (node.Activation != null)
                return "a fused activation";
            if (scale?.Constant == null || scale.Constant.Length != 1 || zero != null && (zero.Constant == null || zero.Constant.Length != 1))
                return "the scale or zero point is not one constant";
            return null;
        }

        public override string Describe(Node node) => "vectorised quantisation, 16 values a step";

        public override double EstimatedNanoseconds(Node node) => Shape.Size(node.Outputs[0].Shape) * 0.15 + 30;

        public override IEnumerable<PlanAttribute> Lower(Node node) => new[]
        {
            PlanAttribute.Of("scale", node.Inputs[1]!.Constant!.Floats[0]),
            PlanAttribute.Of("zero-point", node.Input(2)?.Constant?.GetInt64(0) ?? 0L),
        };

        public override bool ReplacesInput(Node node, int input) => input > 0;

        public override void Emit(LayerContext c)
        {
            string method = c.Out(0).Type == ElementType.Int8 ? "ToInt8" : "ToUInt8";
            c.W.Line($"{RuntimeNames.Kernels}.Elementwise.Quantizer.{method}({c.InName(0)}, {CSharp.Float(c.Step.Float("scale"))}, {CSharp.Int(c.Step.Int("zero-point"))}, {c.OutName(0)});");
        }
    }
}
