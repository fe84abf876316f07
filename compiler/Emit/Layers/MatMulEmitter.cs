using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// MatMul (<see cref="Compiler.Ops.MatMul"/>): s32 and s64 summed in long and wrapped; f32 and
    /// quantised operands through <see cref="MatrixProduct"/>, or with <see cref="Strategy.Fp32"/>
    /// the runtime's kernel over a row of A and a row of B packed transposed; then the fused
    /// activation and output quantisation.
    /// </summary>
    public sealed class MatMulEmitter : OpEmitter
    {
        public override string OpType => "MatMul";

        public override IEnumerable<PlanAttribute> Lower(Node node) => MatMulLoops.Lower(node, node.Inputs[0]!, node.Inputs[1]!);

        public override WeightLayout WeightLayout(Node node, Strategy strategy, int input) =>
            strategy == Strategy.Fp32 && input == 1 ? Lowering.WeightLayout.Transposed : Lowering.WeightLayout.RowMajor;

        public override void Emit(LayerContext c)
        {
            var g = MatMulLoops.Of(c.Step);
            var a = c.In(0);
            bool plainInteger = a.Quant == null && c.In(1).Quant == null && a.Type != ElementType.Float32;
            int bKAxis = c.In(1).Shape.Count == 1 ? 0 : c.In(1).Shape.Count - 2;
            g.Emit(c, (b, i, j, aBase, bBase, o) =>
            {
                if (plainInteger)
                {
                    string sum = c.Local("sum"), p = c.Local("p");
                    c.W.Line($"long {sum} = 0;");
                    c.W.Line($"for (int {p} = 0; {p} < {g.K}; {p}++) {sum} = unchecked({sum} + (long){c.Element(0, $"{aBase} + {p}")} * {c.Element(1, $"{bBase} + {p} * {g.N}")});");
                    c.W.Line($"{c.OutName(0)}[{o}] = unchecked(({CSharp.ElementType(c.Out(0).Type)}){sum});");
                    return;
                }
                string dot;
                if (c.Step.Strategy == Strategy.Fp32)
                {
                    // B is packed as [.., N, K]: column j of batch b is a row.
                    dot = c.Local("dot");
                    c.W.Line($"double {dot} = global::Bitsmith.Runtime.Kernels.DotProduct.Sum({c.InName(0)}.Slice({aBase}, {g.K}), {c.InName(1)}.Slice({bBase} - {j} + {j} * {g.K}, {g.K}));");
                }
                else
                {
                    dot = MatrixProduct.Emit(c, 0, 1, aBase, 1, bBase, g.N, g.K, bKAxis);
                }
                c.W.Line(c.Store(0, o, $"(float){dot}"));
            });
        }
    }
}
