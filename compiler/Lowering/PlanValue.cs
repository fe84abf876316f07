using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// A tensor of the lowered program: its type, static shape, where it lives and, for a
    /// quantised tensor, its parameters. Values that share storage (a Reshape viewed in place)
    /// have the same storage and offset.
    /// </summary>
    public sealed record PlanValue(
        string Name,
        ElementType Type,
        ImmutableEquatableArray<int> Shape,
        ValueStorage Storage,
        long Offset,
        WeightLayout Layout,
        PlanQuant? Quant)
    {
        public int Length => Ir.Shape.Size(Shape.ToArray());

        /// <summary>Bytes the value occupies where it is stored: int4 weights two a byte, every other element in its C# type.</summary>
        public long Bytes => Storage == ValueStorage.Weight ? PackedBytes(Type, Length) : (long)Length * ElementBytes(Type);

        /// <summary>Bytes of one element in memory (u4/s4 take a byte outside the weight blob).</summary>
        public static int ElementBytes(ElementType type) => type switch
        {
            ElementType.Float32 or ElementType.Int32 => 4,
            ElementType.Int64 => 8,
            _ => 1,
        };

        /// <summary>Bytes of <paramref name="count"/> elements in the weight blob.</summary>
        public static long PackedBytes(ElementType type, long count) =>
            type == ElementType.UInt4 || type == ElementType.Int4 ? (count + 1) / 2 : count * ElementBytes(type);
    }
}
