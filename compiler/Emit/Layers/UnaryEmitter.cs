using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// Sigmoid, Tanh, LeakyRelu, HardSigmoid and HardSwish (<see cref="Compiler.Ops.UnaryOperator"/>):
    /// computed in double on the float input, rounded to float, then the fused activation and quantisation.
    /// </summary>
    public sealed class UnaryEmitter : OpEmitter
    {
        public UnaryEmitter(string opType) => OpType = opType;

        public override string OpType { get; }

        public override IEnumerable<PlanAttribute> Lower(Node node) => OpType switch
        {
            "LeakyRelu" => new[] { PlanAttribute.Of("alpha", node.GetFloat("alpha", 0.01f)) },
            "HardSigmoid" => new[] { PlanAttribute.Of("alpha", node.GetFloat("alpha", 0.2f)), PlanAttribute.Of("beta", node.GetFloat("beta", 0.5f)) },
            _ => base.Lower(node),
        };

        public override void Emit(LayerContext c)
        {
            string i = c.Local("i"), v = c.Local("v");
            using (c.W.Block($"for (int {i} = 0; {i} < {c.Out(0).Length}; {i}++)"))
            {
                c.W.Line($"double {v} = {c.Element(0, i)};");
                c.W.Line(c.Store(0, i, $"(float)({Function(c.Step, v)})"));
            }
        }

        private string Function(PlanStep step, string x)
        {
            const string Math = "global::System.Math";
            return OpType switch
            {
                "Sigmoid" => $"1 / (1 + {Math}.Exp(-{x}))",
                "Tanh" => $"{Math}.Tanh({x})",
                "LeakyRelu" => $"{x} < 0 ? (double){CSharp.Float(step.Float("alpha"))} * {x} : {x}",
                "HardSigmoid" => $"{Math}.Max(0d, {Math}.Min(1d, (double){CSharp.Float(step.Float("alpha"))} * {x} + (double){CSharp.Float(step.Float("beta"))}))",
                _ => $"{x} * {Math}.Max(0d, {Math}.Min(1d, {x} / 6 + 0.5))",
            };
        }
    }
}
