using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Lowering.Implementations.Elementwise
{
    /// <summary>2-D MaxPool of float planes on <c>Runtime.Kernels.Elementwise.MaxPooling</c> (interior windows without bounds tests), NaN as <see cref="MaxPoolNaN"/> says.</summary>
    public sealed class MaxPoolImplementation : LayerImplementation
    {
        public override string Name => "maxpool_f32_2d";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "MaxPool")
                return "not a MaxPool";
            Value x = node.Inputs[0]!, y = node.Outputs[0];
            if (x.Rank != 4)
                return "only 2-D pooling";
            if (x.Type != ElementType.Float32 || x.Quant != null || y.Quant != null || node.Activation != null)
                return "not a float MaxPool";
            if (node.Outputs.Count > 1)
                return "the indices output is used";
            return null;
        }

        public override string Describe(Node node) => "max pooling without bounds tests inside the input";

        public override double EstimatedNanoseconds(Node node)
        {
            var g = WindowGeometry.ForPool(node, node.Inputs[0]!, out int[] shape);
            return (double)Shape.Size(shape) * g.KernelSize * 0.4 + 50;
        }

        public override IEnumerable<PlanAttribute> Lower(Node node) => Window.Lower(WindowGeometry.ForPool(node, node.Inputs[0]!, out _));

        public override void Emit(LayerContext c)
        {
            int[] x = c.InShape(0), y = c.OutShape(0);
            var w = Window.Of(c.Step, x, y);
            c.W.Line($"{RuntimeNames.Kernels}.Elementwise.MaxPooling.Pool2d({c.InName(0)}, {x[0] * x[1]}, {x[2]}, {x[3]}, {w.Kernel[0]}, {w.Kernel[1]}, " +
                $"{w.Strides[0]}, {w.Strides[1]}, {w.Dilations[0]}, {w.Dilations[1]}, {w.PadBegin[0]}, {w.PadBegin[1]}, {y[2]}, {y[3]}, {c.OutName(0)});");
        }
    }
}
