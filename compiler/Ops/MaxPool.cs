using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// MaxPool with strides, pads, auto_pad, dilations and ceil_mode; padding never wins.
    /// f32 and quantised inputs are pooled on real values (a quantised output with the
    /// input's parameters gets the input's integers back); u8 and s8 on their integers.
    /// NaN and a window with no tap inside the input go by <see cref="MaxPoolNaN"/> for f32
    /// (ONNX's reference implementation); a window with no tap inside a quantised or integer
    /// input gives the lowest value, as ONNX Runtime does.
    /// The optional Indices output holds the flat index of each maximum in the input
    /// (N, C and the spatial axes; spatial axes column-major when storage_order is 1);
    /// ties go to the first tap in row-major kernel order, as ONNX Runtime does.
    /// </summary>
    public sealed class MaxPool : OperatorBase
    {
        public override string OpType => "MaxPool";

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            if (x.Quant != null)
                RequireType(node, x, "input", ElementType.UInt8, ElementType.Int8, ElementType.UInt4, ElementType.Int4);
            else
                RequireType(node, x, "input", ElementType.Float32, ElementType.UInt8, ElementType.Int8);
            if (node.Outputs.Count > 2)
                throw node.Error($"has {node.Outputs.Count} outputs; MaxPool has Y and optionally Indices");
            long order = node.GetInt("storage_order", 0);
            if (order != 0 && order != 1)
                throw node.Error(FormattableString.Invariant($"attribute 'storage_order' must be 0 or 1, is {order}"));
            WindowGeometry.ForPool(node, x, out int[] shape);
            SetOutput(node, 0, x.Quant != null ? ElementType.Float32 : x.Type, shape);
            if (node.Outputs.Count == 2)
                SetOutput(node, 1, ElementType.Int64, shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Value vx = node.Inputs[0]!;
            Tensor x = inputs[0]!;
            var g = WindowGeometry.ForPool(node, vx, out int[] shape);
            g.Taps(out int[][] taps, out _);
            bool floatInput = vx.Quant == null && x.Type == ElementType.Float32;
            bool real = floatInput || vx.Quant != null;
            float[]? xr = real ? Quantization.RealValues(vx, x) : null;
            bool dropsNaN = MaxPoolNaN.DropsNaN(g.Strides, g.Dilations);
            bool columnMajor = node.GetInt("storage_order", 0) == 1;

            int planes = shape[0] * shape[1], inSize = g.InputSize, outSize = g.OutputSize;
            var chosen = new int[planes * outSize];
            var indices = new long[chosen.Length];
            var position = new int[g.Input.Length];
            for (int p = 0; p < planes; p++)
                for (int o = 0; o < outSize; o++)
                {
                    // The first tap inside the input starts the maximum; MaxPoolNaN says which later tap replaces it.
                    int at = -1;
                    foreach (int t in taps[o])
                    {
                        int i = p * inSize + t;
                        if (at < 0 || (xr != null ? MaxPoolNaN.Replaces(xr[i], xr[at], dropsNaN) : x.GetInt64(i) > x.GetInt64(at)))
                            at = i;
                    }
                    int y = p * outSize + o;
                    chosen[y] = at;
                    int spatial = at - p * inSize;
                    indices[y] = at < 0 ? -1 : (long)p * inSize + (columnMajor ? ColumnMajor(spatial, g.Input, position) : spatial);
                }

            Tensor values;
            if (xr != null)
            {
                // A window with no tap inside the input: the reference's value for f32, ONNX Runtime's lowest value for quantised inputs.
                float empty = floatInput ? MaxPoolNaN.EmptyWindow(g.Input.Length) : float.MinValue;
                values = Quantization.Output(node, 0, Array.ConvertAll(chosen, at => at >= 0 ? xr[at] : empty), shape);
            }
            else
            {
                values = Tensor.Zeros(x.Type, shape);
                for (int i = 0; i < chosen.Length; i++)
                    values.SetInt64(i, chosen[i] >= 0 ? x.GetInt64(chosen[i]) : x.Type.MinValue());
            }
            return node.Outputs.Count == 2
                ? new[] { values, Tensor.FromInt64s(shape, indices) }
                : new[] { values };
        }

        /// <summary>The column-major flat index of row-major flat index <paramref name="i"/> in <paramref name="size"/>.</summary>
        private static int ColumnMajor(int i, int[] size, int[] position)
        {
            WindowGeometry.Unflatten(i, size, position);
            int r = 0;
            for (int d = size.Length - 1; d >= 0; d--)
                r = r * size[d] + position[d];
            return r;
        }
    }
}
