using System;
using Bitsmith.Compiler.Ir;
using static System.FormattableString;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// BatchNormalization in inference mode: <c>y = (x - mean) / sqrt(var + epsilon) · scale + B</c>
    /// per channel (axis 1), computed in double. Training (is_test = 0 in opset 6, the extra
    /// running-statistics outputs, training_mode = 1 from opset 14) is rejected. With
    /// spatial = 0 (opsets 6 to 8) the parameters have the shape of one sample, C x D1 x ... x Dn.
    /// </summary>
    public sealed class BatchNormalization : OperatorBase
    {
        private static readonly string[] ParamNames = { "scale", "B", "mean", "var" };

        public override string OpType => "BatchNormalization";

        public override int MinOpset => 6;

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            RequireType(node, x, "input", ElementType.Float32);
            if (x.Rank < 2)
                throw node.Error($"input '{x.Name}' must have shape N x C x ... (rank 2 or more), has {Shape.Format(x.Shape)}");
            if (node.Outputs.Count > 1)
                throw node.Unsupported(Invariant($"training mode (outputs running mean and variance; the node has {node.Outputs.Count} outputs) is not supported, only inference"));
            if (node.OpsetVersion < 7 && node.GetInt("is_test", 0) == 0)
                throw node.Unsupported("training mode (is_test = 0) is not supported, only inference");
            if (node.OpsetVersion >= 14 && node.GetInt("training_mode", 0) != 0)
                throw node.Unsupported("training mode (training_mode = 1) is not supported, only inference");
            bool spatial = IsSpatial(node);
            var expected = new int[spatial ? 1 : x.Rank - 1];
            Array.Copy(x.Shape, 1, expected, 0, expected.Length);
            for (int i = 0; i < ParamNames.Length; i++)
            {
                var p = node.RequiredInput(i + 1);
                RequireType(node, p, ParamNames[i], ElementType.Float32);
                if (!Shape.SameAs(p.Shape, expected))
                    throw node.Error($"{ParamNames[i]} '{p.Name}' must have shape {Shape.Format(expected)}, has {Shape.Format(p.Shape)}");
            }
            SetOutput(node, 0, ElementType.Float32, x.Shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Tensor x = inputs[0]!;
            float[] xs = x.Floats, scale = inputs[1]!.Floats, bias = inputs[2]!.Floats, mean = inputs[3]!.Floats, variance = inputs[4]!.Floats;
            double epsilon = node.GetFloat("epsilon", 1e-5f);
            int channels = x.Shape[1];
            int perSample = x.Shape[0] == 0 ? 0 : xs.Length / x.Shape[0];
            int inner = channels == 0 ? 0 : perSample / channels;
            bool spatial = IsSpatial(node);
            var y = new float[xs.Length];
            for (int i = 0; i < y.Length; i++)
            {
                int k = spatial ? i / inner % channels : i % perSample;
                y[i] = (float)((xs[i] - (double)mean[k]) / Math.Sqrt(variance[k] + epsilon) * scale[k] + bias[k]);
            }
            return new[] { Quantization.Output(node, 0, y, x.Shape) };
        }

        /// <summary>The 'spatial' attribute exists in opsets 6 to 8; later the statistics are always per channel.</summary>
        private static bool IsSpatial(Node node) => node.OpsetVersion >= 9 || node.GetInt("spatial", 1) != 0;
    }
}
