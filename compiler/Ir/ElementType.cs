using System;

namespace Bitsmith.Compiler.Ir
{
    /// <summary>Element types the IR carries. Float16 exists only for declarations: constants are widened to Float32 at import.</summary>
    public enum ElementType
    {
        Float32,
        Float16,
        UInt8,
        Int8,
        UInt4,
        Int4,
        Int32,
        Int64,
        Bool,
    }

    public static class ElementTypes
    {
        /// <summary>Short name used by the IR dump (f32, u8, s4, ...).</summary>
        public static string ShortName(this ElementType t) => t switch
        {
            ElementType.Float32 => "f32",
            ElementType.Float16 => "f16",
            ElementType.UInt8 => "u8",
            ElementType.Int8 => "s8",
            ElementType.UInt4 => "u4",
            ElementType.Int4 => "s4",
            ElementType.Int32 => "s32",
            ElementType.Int64 => "s64",
            ElementType.Bool => "bool",
            _ => throw new ArgumentOutOfRangeException(nameof(t)),
        };

        public static bool IsFloat(this ElementType t) => t == ElementType.Float32 || t == ElementType.Float16;

        public static bool IsInteger(this ElementType t) => !t.IsFloat() && t != ElementType.Bool;

        /// <summary>The small integer types that carry quantised values.</summary>
        public static bool IsQuantized(this ElementType t) =>
            t == ElementType.UInt8 || t == ElementType.Int8 || t == ElementType.UInt4 || t == ElementType.Int4;

        /// <summary>Smallest value of an integer type.</summary>
        public static long MinValue(this ElementType t) => t switch
        {
            ElementType.UInt8 or ElementType.UInt4 or ElementType.Bool => 0,
            ElementType.Int8 => sbyte.MinValue,
            ElementType.Int4 => -8,
            ElementType.Int32 => int.MinValue,
            ElementType.Int64 => long.MinValue,
            _ => throw new ArgumentException($"{t.ShortName()} is not an integer type"),
        };

        /// <summary>Largest value of an integer type.</summary>
        public static long MaxValue(this ElementType t) => t switch
        {
            ElementType.UInt8 => byte.MaxValue,
            ElementType.UInt4 => 15,
            ElementType.Bool => 1,
            ElementType.Int8 => sbyte.MaxValue,
            ElementType.Int4 => 7,
            ElementType.Int32 => int.MaxValue,
            ElementType.Int64 => long.MaxValue,
            _ => throw new ArgumentException($"{t.ShortName()} is not an integer type"),
        };

        /// <summary>Bits of storage per element.</summary>
        public static int Bits(this ElementType t) => t switch
        {
            ElementType.Float32 or ElementType.Int32 => 32,
            ElementType.Float16 => 16,
            ElementType.UInt8 or ElementType.Int8 or ElementType.Bool => 8,
            ElementType.UInt4 or ElementType.Int4 => 4,
            ElementType.Int64 => 64,
            _ => throw new ArgumentOutOfRangeException(nameof(t)),
        };

        /// <summary>The CLR array type holding elements of this type in a <see cref="Tensor"/>.</summary>
        public static Type StorageType(this ElementType t) => t switch
        {
            ElementType.Float32 or ElementType.Float16 => typeof(float),
            ElementType.UInt8 or ElementType.UInt4 => typeof(byte),
            ElementType.Int8 or ElementType.Int4 => typeof(sbyte),
            ElementType.Int32 => typeof(int),
            ElementType.Int64 => typeof(long),
            ElementType.Bool => typeof(bool),
            _ => throw new ArgumentOutOfRangeException(nameof(t)),
        };
    }
}
