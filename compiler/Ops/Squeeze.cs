using System.Collections.Generic;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Squeeze: removes the listed size-1 axes, or every size-1 axis when none are listed.
    /// The axes are an attribute up to opset 12 and a constant s64 input from opset 13.
    /// </summary>
    public sealed class Squeeze : DataMovementOperator
    {
        public override string OpType => "Squeeze";

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            long[]? axes = ReadAxes(node, required: false);
            var removed = new HashSet<int>();
            if (axes == null)
            {
                for (int d = 0; d < x.Rank; d++)
                    if (x.Shape[d] == 1)
                        removed.Add(d);
            }
            else
            {
                foreach (int d in Axes.NormalizeAll(node, axes, x.Rank))
                {
                    if (x.Shape[d] != 1)
                        throw node.Error($"cannot squeeze axis {d} of shape {Shape.Format(x.Shape)}: its size is not 1");
                    removed.Add(d);
                }
            }
            var shape = new List<int>();
            for (int d = 0; d < x.Rank; d++)
                if (!removed.Contains(d))
                    shape.Add(x.Shape[d]);
            SetMovedOutput(node, x, shape.ToArray());
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs) =>
            new[] { inputs[0]!.Reshape(node.Outputs[0].Shape) };
    }
}
