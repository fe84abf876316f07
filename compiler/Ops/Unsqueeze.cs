using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Unsqueeze: inserts size-1 axes at the listed positions of the output (so an axis
    /// lies in [-(rank+n), rank+n-1] for n axes). The axes are an attribute up to opset 12
    /// and a constant s64 input from opset 13; they are required.
    /// </summary>
    public sealed class Unsqueeze : DataMovementOperator
    {
        public override string OpType => "Unsqueeze";

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            long[] axes = ReadAxes(node, required: true)!;
            int rank = x.Rank + axes.Length;
            var inserted = new bool[rank];
            foreach (int d in Axes.NormalizeAll(node, axes, rank))
                inserted[d] = true;
            var shape = new int[rank];
            int next = 0;
            for (int d = 0; d < rank; d++)
                shape[d] = inserted[d] ? 1 : x.Shape[next++];
            SetMovedOutput(node, x, shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs) =>
            new[] { inputs[0]!.Reshape(node.Outputs[0].Shape) };
    }
}
