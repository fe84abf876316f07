using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// GlobalAveragePool and GlobalMaxPool: the mean (summed in double) or the maximum over all
    /// spatial positions of each (N, C) plane, giving [N, C, 1, ..., 1]; on f32 or the real
    /// values of a quantised input. The maximum propagates NaN, as numpy's max does.
    /// </summary>
    public sealed class GlobalPool : OperatorBase
    {
        private readonly bool _max;

        private GlobalPool(string opType, bool max)
        {
            OpType = opType;
            _max = max;
        }

        public static GlobalPool Average() => new GlobalPool("GlobalAveragePool", max: false);

        public static GlobalPool Max() => new GlobalPool("GlobalMaxPool", max: true);

        public override string OpType { get; }

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            if (x.Quant != null)
                RequireType(node, x, "input", ElementType.UInt8, ElementType.Int8, ElementType.UInt4, ElementType.Int4);
            else
                RequireType(node, x, "input", ElementType.Float32);
            if (x.Rank < 3)
                throw node.Error($"input '{x.Name}' must have shape N x C x D1 x ... (rank 3 or more), has {Shape.Format(x.Shape)}");
            if ((long)x.Shape[0] * x.Shape[1] > 0 && Shape.Size(x.Shape) == 0)
                throw node.Error($"input '{x.Name}' {Shape.Format(x.Shape)} has no spatial positions to pool");
            SetOutput(node, 0, ElementType.Float32, OutputShape(x.Shape));
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Value vx = node.Inputs[0]!;
            float[] x = Quantization.RealValues(vx, inputs[0]!);
            int[] shape = OutputShape(vx.Shape);
            int planes = shape[0] * shape[1];
            int inner = planes == 0 ? 0 : x.Length / planes;
            var y = new float[planes];
            for (int p = 0; p < planes; p++)
            {
                double r = _max ? double.NegativeInfinity : 0;
                for (int i = 0; i < inner; i++)
                    r = _max ? Math.Max(r, x[p * inner + i]) : r + x[p * inner + i];
                y[p] = (float)(_max ? r : r / inner);
            }
            return new[] { Quantization.Output(node, 0, y, shape) };
        }

        private static int[] OutputShape(int[] input)
        {
            var shape = new int[input.Length];
            shape[0] = input[0];
            shape[1] = input[1];
            for (int d = 2; d < shape.Length; d++)
                shape[d] = 1;
            return shape;
        }
    }
}
