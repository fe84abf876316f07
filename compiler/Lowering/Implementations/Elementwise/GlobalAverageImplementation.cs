using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Elementwise
{
    /// <summary>
    /// GlobalAveragePool of a u8 or s8 tensor quantised per tensor, to float, on
    /// <c>Runtime.Kernels.Elementwise.GlobalAverage</c>: 16 values dequantised and summed in double
    /// a step, exact because every partial sum of a plane this size is.
    /// </summary>
    public sealed class GlobalAverageImplementation : LayerImplementation
    {
        public override string Name => "gap_8bit_vec";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "GlobalAveragePool")
                return "not a GlobalAveragePool";
            Value x = node.Inputs[0]!, y = node.Outputs[0];
            if (x.Type != ElementType.UInt8 && x.Type != ElementType.Int8 || x.Quant == null || !x.Quant.IsPerTensor)
                return "the input is not u8 or s8 quantised per tensor";
            if (y.Type != ElementType.Float32 || y.Quant != null || node.Activation != null)
                return "the output is not plain float";
            long plane = Shape.Size(x.Shape) / ((long)x.Shape[0] * x.Shape[1]);
            if (plane > 1 << 20)
                return "a plane of over 2^20 values (its double sum could round)";
            return null;
        }

        public override string Describe(Node node) => "global average of 8-bit codes, dequantised and summed 16 a step";

        public override double EstimatedNanoseconds(Node node) => Shape.Size(node.Inputs[0]!.Shape) * 0.1 + node.Inputs[0]!.Shape[1] * 10 + 30;

        public override void Emit(LayerContext c)
        {
            var x = c.In(0);
            int[] shape = c.InShape(0);
            int planes = shape[0] * shape[1], plane = Shape.Size(shape) / planes;
            bool signed = x.Type == ElementType.Int8;
            string input = signed ? $"{RuntimeNames.Marshal}.Cast<sbyte, byte>({c.InName(0)})" : c.InName(0);
            c.W.Line($"{RuntimeNames.Kernels}.Elementwise.GlobalAverage.ToFloat({input}, {(signed ? "true" : "false")}, {CSharp.Float(x.Quant!.Scale[0])}, {CSharp.Int(x.Quant.ZeroPoint[0])}, {planes}, {plane}, {c.OutName(0)});");
        }
    }
}
