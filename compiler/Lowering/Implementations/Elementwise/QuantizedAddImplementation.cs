using System.Collections.Generic;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Elementwise
{
    /// <summary>A quantised Add of two tensors of the output's shape (residual connections) on <c>Runtime.Kernels.Elementwise.QuantizedAdd</c>.</summary>
    public sealed class QuantizedAddImplementation : LayerImplementation
    {
        public override string Name => "qadd_u8_vec";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "Add")
                return "not an Add";
            Value a = node.Inputs[0]!, b = node.Inputs[1]!, y = node.Outputs[0];
            foreach (var v in new[] { a, b })
            {
                if (v.Quant == null || !v.Quant.IsPerTensor)
                    return "an operand is not quantised per tensor";
                if (!IsByte(v.Type) || v.IsConstant && v.Type != ElementType.UInt8 && v.Type != ElementType.Int8)
                    return $"an operand is {v.Type.ShortName()}";
                if (!Shape.SameAs(v.Shape, y.Shape))
                    return "an operand is broadcast";
            }
            if (y.Quant != null ? !y.Quant.IsPerTensor || y.Type != ElementType.UInt8 && y.Type != ElementType.Int8 : y.Type != ElementType.Float32)
                return "the output is not u8, s8 or float";
            return null;
        }

        public override string Describe(Node node) => "quantised Add, 16 values a step in float as the interpreter";

        public override double EstimatedNanoseconds(Node node) => Shape.Size(node.Outputs[0].Shape) * 0.25 + 30;

        public override void Emit(LayerContext c)
        {
            string Operand(int i) => $"{Bytes(c.In(i), c.InName(i))}, {(Signed(c.In(i).Type) ? "true" : "false")}, {CSharp.Float(c.In(i).Quant!.Scale[0])}, {CSharp.Int(c.In(i).Quant!.ZeroPoint[0])}";
            var y = c.Out(0);
            string act = KernelEpilogue.Activation(c.Step.Activation);
            string call = $"{RuntimeNames.Kernels}.Elementwise.QuantizedAdd";
            if (y.Quant == null)
                c.W.Line($"{call}.ToFloat({Operand(0)}, {Operand(1)}, {act}, {c.OutName(0)});");
            else
                c.W.Line($"{call}.ToQuantized({Operand(0)}, {Operand(1)}, {act}, {CSharp.Float(y.Quant.Scale[0])}, {CSharp.Int(y.Quant.ZeroPoint[0])}, {(Signed(y.Type) ? "true" : "false")}, " +
                    $"{(Signed(y.Type) ? $"{RuntimeNames.Marshal}.Cast<sbyte, byte>({c.OutName(0)})" : c.OutName(0))});");
        }

        private static bool IsByte(ElementType t) => t == ElementType.UInt8 || t == ElementType.Int8 || t == ElementType.UInt4 || t == ElementType.Int4;

        private static bool Signed(ElementType t) => t == ElementType.Int8 || t == ElementType.Int4;

        private static string Bytes(PlanValue v, string span) => Signed(v.Type) ? $"{RuntimeNames.Marshal}.Cast<sbyte, byte>({span})" : span;
    }
}
