using System.Collections.Generic;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Reports;

namespace Bitsmith.Compiler.Lowering.Implementations
{
    /// <summary>
    /// The per-op emitters of <see cref="OpEmitters"/> in one of their loop forms
    /// (<see cref="Lowering.Strategy"/>): the scalar <c>Generic</c> loops in the interpreter's
    /// order, <c>IntegerReference</c> (exact long sums), <c>Fp32</c> (the runtime's f32 dot
    /// product) and <c>View</c>. Every op has at least one: they are what a layer falls back to,
    /// and the oracle the kernels are tested against. Which forms a node can take is decided by
    /// <see cref="StrategySelector"/>.
    /// </summary>
    public sealed class LoopNestImplementation : LayerImplementation
    {
        public LoopNestImplementation(Strategy form) => Form = form;

        public Strategy Form { get; }

        public override string Name => Form.ToString();

        /// <summary>Always null: <see cref="StrategySelector"/> offers a loop form only where it applies.</summary>
        public override string? WhyNot(Node node, LayerFacts facts) => null;

        public override string Describe(Node node) => Form.ToString();

        public override double EstimatedNanoseconds(Node node)
        {
            long macs = LayerSummary.CountMacs(node);
            long outputs = 0;
            foreach (var o in node.Outputs)
                outputs += Shape.Size(o.Shape);
            // Rough rates on one core: scalar float loops ~2 ns a multiply-add, integer ~1.5, the f32 kernel ~0.15.
            return Form switch
            {
                Strategy.View => 0,
                Strategy.Fp32 => macs * 0.15 + outputs * 2,
                Strategy.IntegerReference => macs * 1.5 + outputs * 5,
                _ => macs * 2.0 + outputs * 3,
            };
        }

        public override IEnumerable<PlanAttribute> Lower(Node node) => OpEmitters.For(node).Lower(node);

        public override WeightLayout InputLayout(Node node, int input) => OpEmitters.For(node).WeightLayout(node, Form, input);

        public override long WorkspaceBytes(Node node) => OpEmitters.For(node).WorkspaceBytes(node, Form);

        public override bool IsView => Form == Strategy.View;

        public override void Emit(LayerContext c) => OpEmitters.For(c.Step).Emit(c);
    }
}
