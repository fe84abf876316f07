using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Reshape with the shape as a constant s64 input (opset 5 on; the opset 1 attribute
    /// form is not supported). A 0 copies the input's dimension at that position (unless
    /// allowzero, opset 14, makes it a real 0); one -1 takes whatever size is left.
    /// </summary>
    public sealed class Reshape : DataMovementOperator
    {
        public override string OpType => "Reshape";

        public override int MinOpset => 5;

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            var shapeValue = node.RequiredInput(1);
            RequireType(node, shapeValue, "shape", ElementType.Int64);
            RequireRank(node, shapeValue, "shape", 1);
            var requested = RequireConstant(node, 1, "shape").ToInt64Array();
            long allowZero = node.GetInt("allowzero", 0);
            if (allowZero != 0 && allowZero != 1)
                throw node.Error($"attribute 'allowzero' must be 0 or 1, not {allowZero.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            SetMovedOutput(node, x, OutputShape(node, x.Shape, requested, allowZero == 1));
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs) =>
            new[] { inputs[0]!.Reshape(node.Outputs[0].Shape) };

        private static int[] OutputShape(Node node, int[] input, long[] requested, bool allowZero)
        {
            string what = "shape " + Axes.Format(requested);
            var shape = new int[requested.Length];
            int inferred = -1;
            bool hasZero = false;
            long known = 1;
            for (int i = 0; i < requested.Length; i++)
            {
                long d = requested[i];
                if (d == -1)
                {
                    if (inferred >= 0)
                        throw node.Error($"{what} has more than one -1");
                    inferred = i;
                    continue;
                }
                if (d < -1 || d > int.MaxValue)
                    throw node.Error($"{what} has invalid dimension {d.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                if (d == 0 && !allowZero)
                {
                    if (i >= input.Length)
                        throw node.Error($"{what} copies dimension {i} (a 0) but the input {Shape.Format(input)} has rank {input.Length}");
                    d = input[i];
                }
                hasZero |= d == 0;
                shape[i] = (int)d;
                known = System.Math.Min(known * d, Shape.MaxElements + 1);
            }
            int size = Shape.Size(input);
            if (inferred >= 0)
            {
                if (hasZero)
                    throw node.Error($"{what} has a -1 and a zero dimension, so the -1 cannot be inferred");
                if (size % known != 0)
                    throw node.Error($"{what} cannot hold the {size} elements of input {Shape.Format(input)}");
                shape[inferred] = (int)(size / known);
            }
            else if (known != size)
                throw node.Error($"{what} does not hold the {size} elements of input {Shape.Format(input)}");
            return shape;
        }
    }
}
