using System;
using System.Collections.Generic;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Elementwise
{
    /// <summary>
    /// A float BatchNormalization that no conv absorbed (BatchNormFolding folds it into a conv with a
    /// dense weight; one after a codebook weight, as iPQ exports, stays) on
    /// <c>Runtime.Kernels.Elementwise.ChannelAffine</c>: <c>scale / sqrt(var + ε)</c> and
    /// <c>B - mean · that</c> computed in double at build time and stored as floats, then one multiply
    /// and add a value. Within a few float ulps of the interpreter's double computation.
    /// </summary>
    public sealed class BatchNormImplementation : LayerImplementation
    {
        public override string Name => "batchnorm_f32_vec";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "BatchNormalization")
                return "not a BatchNormalization";
            Value x = node.Inputs[0]!, y = node.Outputs[0];
            if (x.Type != ElementType.Float32 || x.Quant != null || y.Quant != null || node.Activation != null)
                return "not a float BatchNormalization";
            if (node.OpsetVersion < 9 && node.GetInt("spatial", 1) == 0)
                return "statistics per element (spatial = 0), not per channel";
            for (int i = 1; i <= 4; i++)
                if (node.Input(i)?.Constant == null)
                    return "a statistic is not a constant";
            return null;
        }

        public override string Describe(Node node) => "vectorised per-channel scale and shift (the statistics folded at build time)";

        public override double EstimatedNanoseconds(Node node) => Shape.Size(node.Outputs[0].Shape) * 0.1 + 20;

        public override bool ReplacesInput(Node node, int input) => input > 0;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            float[] gamma = node.Input(1)!.Constant!.Floats, beta = node.Input(2)!.Constant!.Floats, mean = node.Input(3)!.Constant!.Floats, variance = node.Input(4)!.Constant!.Floats;
            double epsilon = node.GetFloat("epsilon", 1e-5f);
            var scale = new float[gamma.Length];
            var shift = new float[gamma.Length];
            for (int c = 0; c < gamma.Length; c++)
            {
                double a = gamma[c] / Math.Sqrt(variance[c] + epsilon);
                scale[c] = (float)a;
                shift[c] = (float)(beta[c] - mean[c] * a);
            }
            var layout = new Float32Vector(gamma.Length);
            return new[] { new PackedConstant("scale", layout, layout.Pack(scale)), new PackedConstant("shift", layout, layout.Pack(shift)) };
        }

        public override void Emit(LayerContext c)
        {
            var x = c.InShape(0);
            int channels = x[1], inner = 1;
            for (int d = 2; d < x.Length; d++)
                inner *= x[d];
            string M = RuntimeNames.Marshal;
            c.W.Line($"{RuntimeNames.Kernels}.Elementwise.ChannelAffine.Apply({c.InName(0)}, {channels}, {inner}, {M}.Cast<byte, float>({c.Packed("scale")}), {M}.Cast<byte, float>({c.Packed("shift")}), {c.OutName(0)});");
        }
    }
}
