using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>Transpose: output axis i is input axis perm[i]; perm defaults to reversing the axes.</summary>
    public sealed class Transpose : DataMovementOperator
    {
        public override string OpType => "Transpose";

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            var perm = Permutation(node, x.Rank);
            var shape = new int[perm.Length];
            for (int i = 0; i < perm.Length; i++)
                shape[i] = x.Shape[perm[i]];
            SetMovedOutput(node, x, shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            var x = inputs[0]!;
            var perm = Permutation(node, x.Rank);
            int[] shape = node.Outputs[0].Shape;
            int rank = shape.Length;
            var inStrides = Shape.Strides(x.Shape);
            var source = new int[x.Length];
            var coord = new int[rank];
            for (int i = 0; i < source.Length; i++)
            {
                int src = 0;
                for (int d = 0; d < rank; d++)
                    src += coord[d] * inStrides[perm[d]];
                source[i] = src;
                for (int d = rank - 1; d >= 0; d--)
                {
                    if (++coord[d] < shape[d])
                        break;
                    coord[d] = 0;
                }
            }
            return new[] { Take(x, shape, source) };
        }

        private static int[] Permutation(Node node, int rank)
        {
            long[]? perm = node.GetInts("perm");
            var result = new int[rank];
            if (perm == null)
            {
                for (int i = 0; i < rank; i++)
                    result[i] = rank - 1 - i;
                return result;
            }
            if (perm.Length != rank)
                throw node.Error($"perm {Axes.Format(perm)} has {perm.Length} entries for an input of rank {rank}");
            var seen = new bool[rank];
            for (int i = 0; i < rank; i++)
            {
                if (perm[i] < 0 || perm[i] >= rank || seen[perm[i]])
                    throw node.Error($"perm {Axes.Format(perm)} is not a permutation of 0..{rank - 1}");
                seen[perm[i]] = true;
                result[i] = (int)perm[i];
            }
            return result;
        }
    }
}
