using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Flatten: a 2-D view [d0*...*d(axis-1), d(axis)*...*d(n-1)]. The axis (default 1)
    /// lies in [-rank, rank]; axis 0 gives [1, size].
    /// </summary>
    public sealed class Flatten : DataMovementOperator
    {
        public override string OpType => "Flatten";

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            long axis = node.GetInt("axis", 1);
            int rank = x.Rank;
            long a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a > rank)
                throw node.Error(FormattableString.Invariant($"axis {axis} is out of range [-{rank}, {rank}] for input shape {Shape.Format(x.Shape)}"));
            int split = (int)a;
            SetMovedOutput(node, x, new[] { Axes.Product(node, x.Shape, 0, split), Axes.Product(node, x.Shape, split, rank) });
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs) =>
            new[] { inputs[0]!.Reshape(node.Outputs[0].Shape) };
    }
}
