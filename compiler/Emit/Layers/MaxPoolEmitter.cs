using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// MaxPool (<see cref="MaxPool"/>): per window the first tap inside the input, then any greater
    /// one (real values in float for f32 and quantised inputs, integers for u8 and s8); for f32 NaN
    /// and a window with no tap inside the input go by <see cref="MaxPoolNaN"/>, for the others such
    /// a window gives the lowest value. The optional Indices output is the flat input index of the
    /// maximum (spatial axes column-major with storage_order 1), -1 for none.
    /// </summary>
    public sealed class MaxPoolEmitter : OpEmitter
    {
        public override string OpType => "MaxPool";

        public override IEnumerable<PlanAttribute> Lower(Node node) =>
            Window.Lower(WindowGeometry.ForPool(node, node.Inputs[0]!, out _))
                .Concat(new[] { PlanAttribute.Of("storage-order", node.GetInt("storage_order", 0)) });

        public override void Emit(LayerContext c)
        {
            var window = Window.Of(c.Step, c.InShape(0), c.OutShape(0));
            var x = c.In(0);
            bool floatInput = x.Quant == null && x.Type == ElementType.Float32;
            bool real = floatInput || x.Quant != null;
            bool dropsNaN = floatInput && MaxPoolNaN.DropsNaN(window.Strides, window.Dilations);
            bool indices = c.Step.Outputs.Count == 2;
            bool columnMajor = c.Step.Int("storage-order") == 1;
            int planes = c.OutShape(0)[0] * c.OutShape(0)[1];
            string valueType = real ? "float" : "long";
            string p = c.Local("p"), at = c.Local("at"), max = c.Local("max"), v = c.Local("v");
            using (c.W.Block($"for (int {p} = 0; {p} < {planes}; {p}++)"))
            {
                window.OutputLoops(c, (o, axes) =>
                {
                    c.W.Line($"int {at} = -1;");
                    c.W.Line($"{valueType} {max} = 0;");
                    window.TapLoops(c, axes, (xi, _, positions) =>
                    {
                        string element = $"{p} * {window.InputSize} + {xi}";
                        c.W.Line($"{valueType} {v} = {(real ? c.Real(0, element) : c.Element(0, element))};");
                        string nanLoses = dropsNaN ? $" || (float.IsNaN({max}) && !float.IsNaN({v}))" : "";
                        using (c.W.Block($"if ({at} < 0 || {v} > {max}{nanLoses})"))
                        {
                            c.W.Line($"{at} = {(columnMajor ? ColumnMajor(positions, window.Input) : xi)};");
                            c.W.Line($"{max} = {v};");
                        }
                    });
                    string y = $"{p} * {window.OutputSize} + {o}";
                    if (real)
                    {
                        string empty = floatInput ? EmptyWindow(window.Input.Length) : "float.MinValue";
                        c.W.Line(c.Store(0, y, $"{at} >= 0 ? {max} : {empty}"));
                    }
                    else
                    {
                        string type = CSharp.ElementType(c.Out(0).Type);
                        c.W.Line($"{c.OutName(0)}[{y}] = {at} >= 0 ? ({type}){max} : {type}.MinValue;");
                    }
                    if (indices)
                        c.W.Line($"{c.OutName(1)}[{y}] = {at} < 0 ? -1L : (long){p} * {window.InputSize} + {at};");
                });
            }
        }

        /// <summary><see cref="MaxPoolNaN.EmptyWindow"/> as C#: 0 for 2-D, NumPy's NaN (by its bits) otherwise.</summary>
        private static string EmptyWindow(int spatialRank) => spatialRank == 2
            ? CSharp.Float(MaxPoolNaN.EmptyWindow(spatialRank))
            : "global::System.BitConverter.Int32BitsToSingle(0x" + MaxPoolNaN.EmptyWindowNaNBits.ToString("X8", CultureInfo.InvariantCulture) + ")";

        /// <summary>The column-major flat index of the input position held in <paramref name="positions"/>.</summary>
        private static string ColumnMajor(string[] positions, int[] size)
        {
            var terms = new List<string>();
            long stride = 1;
            for (int d = 0; d < positions.Length; d++)
            {
                terms.Add(stride == 1 ? positions[d] : $"{positions[d]} * {stride}");
                stride *= size[d];
            }
            return string.Join(" + ", terms);
        }
    }
}
