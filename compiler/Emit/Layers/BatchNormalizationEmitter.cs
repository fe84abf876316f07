using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// BatchNormalization in inference mode (<see cref="Compiler.Ops.BatchNormalization"/>), in double:
    /// <c>(x - mean) / sqrt(var + epsilon) · scale + B</c> per channel, or per sample position with spatial = 0.
    /// </summary>
    public sealed class BatchNormalizationEmitter : OpEmitter
    {
        public override string OpType => "BatchNormalization";

        public override IEnumerable<PlanAttribute> Lower(Node node) => new[]
        {
            PlanAttribute.Of("epsilon", node.GetFloat("epsilon", 1e-5f)),
            PlanAttribute.Of("spatial", node.OpsetVersion >= 9 || node.GetInt("spatial", 1) != 0 ? 1 : 0),
        };

        public override void Emit(LayerContext c)
        {
            int[] shape = c.InShape(0);
            int n = c.In(0).Length, channels = shape[1];
            int perSample = shape[0] == 0 ? 0 : n / shape[0];
            int inner = channels == 0 ? 0 : perSample / channels;
            bool spatial = c.Step.Int("spatial") == 1;
            string i = c.Local("i"), k = c.Local("k");
            using (c.W.Block($"for (int {i} = 0; {i} < {n}; {i}++)"))
            {
                c.W.Line($"int {k} = {(spatial ? $"{i} / {inner} % {channels}" : $"{i} % {perSample}")};");
                string epsilon = $"(double){CSharp.Float(c.Step.Float("epsilon"))}";
                c.W.Line(c.Store(0, i, $"(float)(({c.Element(0, i)} - (double){c.Element(3, k)}) / global::System.Math.Sqrt({c.Element(4, k)} + {epsilon}) * {c.Element(1, k)} + {c.Element(2, k)})"));
            }
        }
    }
}
