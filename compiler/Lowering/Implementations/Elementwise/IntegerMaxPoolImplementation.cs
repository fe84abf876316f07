using System.Linq;
using System.Collections.Generic;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Lowering.Implementations.Elementwise
{
    /// <summary>
    /// 2-D MaxPool of u8 or s8 codes whose output keeps the input's type and quantisation (as
    /// QDQ models pool between convs) on <c>Runtime.Kernels.Elementwise.IntegerMaxPooling</c>:
    /// the largest code is the largest value, so no dequantising.
    /// </summary>
    public sealed class IntegerMaxPoolImplementation : LayerImplementation
    {
        public override string Name => "maxpool_8bit_2d";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "MaxPool")
                return "not a MaxPool";
            Value x = node.Inputs[0]!, y = node.Outputs[0];
            if (x.Rank != 4)
                return "only 2-D pooling";
            if (x.Type != ElementType.UInt8 && x.Type != ElementType.Int8)
                return "not a u8 or s8 MaxPool";
            if (node.Outputs.Count > 1)
                return "the indices output is used";
            if (node.Activation != null)
                return "an activation is fused";
            if (y.Type != x.Type || (x.Quant == null) != (y.Quant == null))
                return "the output's type or quantisation differs from the input's";
            if (x.Quant != null && !(x.Quant.IsPerTensor && y.Quant!.IsPerTensor && x.Quant.Scale[0] > 0
                && x.Quant.Scale[0] == y.Quant.Scale[0] && x.Quant.ZeroPoint[0] == y.Quant.ZeroPoint[0]))
                return "the output is requantised (other scale or zero point)";
            return null;
        }

        public override string Describe(Node node) => "max pooling of 8-bit codes, window rows reduced with vector maxima";

        public override double EstimatedNanoseconds(Node node)
        {
            var g = WindowGeometry.ForPool(node, node.Inputs[0]!, out int[] shape);
            var x = node.Inputs[0]!.Shape;
            long planes = (long)shape[0] * shape[1];
            bool twoByTwo = g.Kernel.All(k => k == 2) && g.Strides.All(s => s == 2) && g.Dilations.All(d => d == 1) && g.PadBegin.All(p => p == 0);
            // The 2x2 stride-2 path: 8 outputs a vector step from two rows (~10 ns a row with its calls; fashion-mixed's 28x28 pools).
            if (twoByTwo)
                return planes * shape[2] * (shape[3] / 8.0 * 1.5 + 10) + 50;
            // Per output row: vector maxima over the window's rows and columns (16 bytes a step), then the gather.
            return planes * shape[2] * ((g.Kernel[0] + g.Kernel[1]) * (x[3] / 16.0 + 1) * 1.5 + 10) + Shape.Size(shape) * 0.3 + 50;
        }

        public override IEnumerable<PlanAttribute> Lower(Node node) => Window.Lower(WindowGeometry.ForPool(node, node.Inputs[0]!, out _));

        public override long WorkspaceBytes(Node node) => 2L * node.Inputs[0]!.Shape[3];

        public override void Emit(LayerContext c)
        {
            int[] x = c.InShape(0), y = c.OutShape(0);
            var w = Window.Of(c.Step, x, y);
            string type = c.In(0).Type == ElementType.Int8 ? "sbyte" : "byte";
            string row = type == "byte" ? $"{c.Workspace}.Slice(0, {2 * x[3]})" : $"{RuntimeNames.Marshal}.Cast<byte, sbyte>({c.Workspace}.Slice(0, {2 * x[3]}))";
            c.W.Line($"{RuntimeNames.Kernels}.Elementwise.IntegerMaxPooling.Pool2d<{type}>({c.InName(0)}, {x[0] * x[1]}, {x[2]}, {x[3]}, {w.Kernel[0]}, {w.Kernel[1]}, " +
                $"{w.Strides[0]}, {w.Strides[1]}, {w.Dilations[0]}, {w.Dilations[1]}, {w.PadBegin[0]}, {w.PadBegin[1]}, {y[2]}, {y[3]}, {row}, {c.OutName(0)});");
        }
    }
}
