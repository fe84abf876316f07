using System.Globalization;
using System.Linq;

namespace Bitsmith.Compiler.Ir
{
    public enum AttributeKind
    {
        Float,
        Int,
        String,
        Tensor,
        Floats,
        Ints,
        Strings,
    }

    /// <summary>A node attribute: one of the ONNX kinds the compiler reads (graphs and sparse tensors are rejected at import).</summary>
    public sealed class Attribute
    {
        private Attribute(AttributeKind kind, object value)
        {
            Kind = kind;
            Value = value;
        }

        public AttributeKind Kind { get; }

        /// <summary>float, long, string, Tensor, float[], long[] or string[] by <see cref="Kind"/>.</summary>
        public object Value { get; }

        public static Attribute Float(float v) => new Attribute(AttributeKind.Float, v);
        public static Attribute Int(long v) => new Attribute(AttributeKind.Int, v);
        public static Attribute String(string v) => new Attribute(AttributeKind.String, v);
        public static Attribute FromTensor(Tensor v) => new Attribute(AttributeKind.Tensor, v);
        public static Attribute Floats(float[] v) => new Attribute(AttributeKind.Floats, v);
        public static Attribute Ints(long[] v) => new Attribute(AttributeKind.Ints, v);
        public static Attribute Strings(string[] v) => new Attribute(AttributeKind.Strings, v);

        public override string ToString() => Value switch
        {
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture),
            string s => "\"" + s + "\"",
            Tensor t => t.ToString(),
            float[] fs => "[" + string.Join(",", fs.Select(f => f.ToString("R", CultureInfo.InvariantCulture))) + "]",
            long[] ls => "[" + string.Join(",", ls.Select(l => l.ToString(CultureInfo.InvariantCulture))) + "]",
            string[] ss => "[" + string.Join(",", ss.Select(s => "\"" + s + "\"")) + "]",
            _ => "?",
        };
    }
}
