using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Clip: min(max(x, lo), hi), so hi wins when lo > hi. Before opset 11, lo and hi are
    /// float attributes; from opset 11 they are optional scalar inputs of x's type, and from
    /// opset 12 x may be an integer type. An absent bound is the type's lowest or highest value.
    /// </summary>
    public sealed class Clip : OperatorBase
    {
        private static readonly ElementType[] SupportedTypes =
        {
            ElementType.Float32, ElementType.UInt8, ElementType.Int8, ElementType.UInt4, ElementType.Int4, ElementType.Int32, ElementType.Int64,
        };

        public override string OpType => "Clip";

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            RequireType(node, x, "input", node.OpsetVersion >= 12 ? SupportedTypes : FloatTypes);
            if (x.Quant != null)
                throw node.Error($"input '{x.Name}' is quantised; Clip has no quantised form (a pass fuses it into its producer instead)");
            if (node.OpsetVersion < 11)
            {
                if (node.Inputs.Count > 1)
                    throw node.Error($"has {node.Inputs.Count} inputs; before opset 11 min and max are attributes");
                AttributeBounds(node);
            }
            else
            {
                if (node.Inputs.Count > 3)
                    throw node.Error($"has {node.Inputs.Count} inputs; Clip takes input, min and max");
                for (int i = 1; i <= 2; i++)
                {
                    var bound = node.Input(i);
                    if (bound == null)
                        continue;
                    string what = i == 1 ? "min" : "max";
                    RequireType(node, bound, what, x.Type);
                    if (bound.Rank > 1 || Shape.Size(bound.Shape) != 1)
                        throw node.Error($"{what} '{bound.Name}' must be a scalar, has shape {Shape.Format(bound.Shape)}");
                }
            }
            if (node.Activation != null && x.Type != ElementType.Float32)
                throw node.Error($"a fused {node.Activation} activation is not supported on an integer Clip");
            SetOutput(node, 0, x.Type, x.Shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            var x = inputs[0]!;
            Tensor? lo = inputs.Length > 1 ? inputs[1] : null, hi = inputs.Length > 2 ? inputs[2] : null;
            if (x.Type == ElementType.Float32)
            {
                var (min, max) = node.OpsetVersion < 11
                    ? AttributeBounds(node)
                    : (lo?.GetDouble(0) ?? float.MinValue, hi?.GetDouble(0) ?? float.MaxValue);
                float[] xs = x.Floats;
                var ys = new float[xs.Length];
                for (int i = 0; i < xs.Length; i++)
                    ys[i] = (float)Math.Min(Math.Max(xs[i], min), max); // Math.Max/Min keep a NaN
                return new[] { Quantization.Output(node, 0, ys, x.Shape) };
            }
            long minInt = lo?.GetInt64(0) ?? x.Type.MinValue(), maxInt = hi?.GetInt64(0) ?? x.Type.MaxValue();
            var y = Tensor.Zeros(x.Type, x.Shape);
            for (int i = 0; i < x.Length; i++)
                y.SetInt64(i, Math.Min(Math.Max(x.GetInt64(i), minInt), maxInt));
            return new[] { y };
        }

        /// <summary>The opset 1-10 bounds (float attributes); reading them checks their kind.</summary>
        private static (double Min, double Max) AttributeBounds(Node node) =>
            (node.GetFloat("min", float.MinValue), node.GetFloat("max", float.MaxValue));
    }
}
