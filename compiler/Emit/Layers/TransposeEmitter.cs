using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>Transpose (<see cref="Compiler.Ops.Transpose"/>): output axis d is input axis perm[d]; loops over the output, reading with permuted strides.</summary>
    public sealed class TransposeEmitter : OpEmitter
    {
        public override string OpType => "Transpose";

        public override IEnumerable<PlanAttribute> Lower(Node node)
        {
            int rank = node.Inputs[0]!.Rank;
            long[] perm = node.GetInts("perm") ?? Enumerable.Range(0, rank).Select(d => (long)(rank - 1 - d)).ToArray();
            return new[] { PlanAttribute.Of("perm", perm) };
        }

        public override void Emit(LayerContext c)
        {
            int[] shape = c.OutShape(0);
            var strides = Shape.Strides(c.InShape(0));
            var perm = c.Step.Ints("perm");
            var axes = shape.Select(_ => c.Local("d")).ToArray();
            var blocks = new List<System.IDisposable>();
            for (int d = 0; d < shape.Length; d++)
                blocks.Add(c.W.Block($"for (int {axes[d]} = 0; {axes[d]} < {shape[d]}; {axes[d]}++)"));
            string source = shape.Length == 0 ? "0" : string.Join(" + ", axes.Select((a, d) => strides[perm[d]] == 1 ? a : $"{a} * {strides[perm[d]]}"));
            c.W.Line($"{c.OutName(0)}[{Window.FlatIndex(axes, shape)}] = {c.Element(0, source)};");
            for (int d = blocks.Count - 1; d >= 0; d--)
                blocks[d].Dispose();
        }
    }
}
