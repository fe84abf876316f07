using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Gather: picks entries of data along an axis (default 0) by s32 or s64 indices, which
    /// may be negative (counting from the end). Output shape is
    /// data[:axis] + indices.shape + data[axis+1:]; any element type.
    /// </summary>
    public sealed class Gather : DataMovementOperator
    {
        public override string OpType => "Gather";

        public override void Infer(Node node)
        {
            var data = node.RequiredInput(0);
            var indices = node.RequiredInput(1);
            RequireNotQuantized(node, data, "data");
            RequireType(node, indices, "indices", ElementType.Int32, ElementType.Int64);
            int axis = Axes.Normalize(node, node.GetInt("axis", 0), data.Rank);
            var shape = new int[data.Rank - 1 + indices.Rank];
            Array.Copy(data.Shape, 0, shape, 0, axis);
            Array.Copy(indices.Shape, 0, shape, axis, indices.Rank);
            Array.Copy(data.Shape, axis + 1, shape, axis + indices.Rank, data.Rank - axis - 1);
            SetMovedOutput(node, data, shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Tensor data = inputs[0]!, indices = inputs[1]!;
            int axis = Axes.Normalize(node, node.GetInt("axis", 0), data.Rank);
            int outer = Axes.Product(node, data.Shape, 0, axis), inner = Axes.Product(node, data.Shape, axis + 1, data.Rank);
            int n = data.Shape[axis], count = indices.Length;
            var result = Tensor.Zeros(data.Type, node.Outputs[0].Shape);
            for (int j = 0; j < count; j++)
            {
                long index = indices.GetInt64(j);
                if (index < -n || index >= n)
                    throw node.Error(FormattableString.Invariant($"index {index} is out of range for axis {axis} of size {n}"));
                if (index < 0)
                    index += n;
                for (int o = 0; o < outer; o++)
                    Array.Copy(data.Data, (o * n + (int)index) * inner, result.Data, (o * count + j) * inner, inner);
            }
            return new[] { result };
        }
    }
}
