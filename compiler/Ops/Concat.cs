using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Concat along one axis (required from opset 4; negative from opset 11). Inputs share
    /// element type, rank and every other dimension. Quantised inputs must all share one
    /// per-tensor scale and zero point, so the integers can be copied as they are.
    /// </summary>
    public sealed class Concat : DataMovementOperator
    {
        public override string OpType => "Concat";

        public override int MinOpset => 4; // opset 1 had an optional axis defaulting to 1

        public override void Infer(Node node)
        {
            if (node.Inputs.Count == 0)
                throw node.Error("needs at least one input");
            var first = node.RequiredInput(0);
            int rank = first.Rank;
            int axis = Axes.Normalize(node, node.GetInt("axis"), rank);
            var shape = (int[])first.Shape.Clone();
            long total = 0;
            for (int k = 0; k < node.Inputs.Count; k++)
            {
                var v = node.RequiredInput(k);
                if (v.Type != first.Type)
                    throw node.Error($"input '{v.Name}' has element type {v.Type.ShortName()} but input '{first.Name}' has {first.Type.ShortName()}");
                if (first.Quant == null ? v.Quant != null : v.Quant == null || !SameParams(first.Quant, v.Quant))
                    throw node.Error($"input '{v.Name}' has quantisation {v.Quant?.ToString() ?? "none"} but input '{first.Name}' has {first.Quant?.ToString() ?? "none"}; concatenated inputs must share one per-tensor scale and zero point");
                if (v.Rank != rank)
                    throw node.Error($"input '{v.Name}' has shape {Shape.Format(v.Shape)}, not rank {rank} like '{first.Name}' {Shape.Format(first.Shape)}");
                for (int d = 0; d < rank; d++)
                    if (d != axis && v.Shape[d] != first.Shape[d])
                        throw node.Error($"input '{v.Name}' has shape {Shape.Format(v.Shape)}, which differs from '{first.Name}' {Shape.Format(first.Shape)} outside axis {axis}");
                total += v.Shape[axis];
            }
            if (total > int.MaxValue)
                throw node.Error($"the concatenated axis {axis} has {total} elements");
            shape[axis] = (int)total;
            SetMovedOutput(node, first, shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            int[] shape = node.Outputs[0].Shape;
            int axis = Axes.Normalize(node, node.GetInt("axis"), shape.Length);
            int outer = Axes.Product(node, shape, 0, axis), inner = Axes.Product(node, shape, axis + 1, shape.Length);
            var result = Tensor.Zeros(inputs[0]!.Type, shape);
            int rowLength = shape[axis] * inner, offset = 0;
            foreach (var t in inputs)
            {
                // Each input contributes one contiguous chunk to every outer row.
                int chunk = t!.Shape[axis] * inner;
                for (int o = 0; o < outer; o++)
                    Array.Copy(t.Data, o * chunk, result.Data, o * rowLength + offset, chunk);
                offset += chunk;
            }
            return new[] { result };
        }
    }
}
