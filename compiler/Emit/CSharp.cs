using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>C# spelling of types, literals and identifiers; every number in the invariant culture.</summary>
    public static class CSharp
    {
        private static readonly HashSet<string> Keywords = new HashSet<string>
        {
            "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
            "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
            "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
            "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
            "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
            "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
            "using", "virtual", "void", "volatile", "while",
        };

        /// <summary>The C# type of one element in memory: float, byte (u8, u4), sbyte (s8, s4), int, long, bool.</summary>
        public static string ElementType(ElementType type) => type switch
        {
            Ir.ElementType.Float32 => "float",
            Ir.ElementType.UInt8 or Ir.ElementType.UInt4 => "byte",
            Ir.ElementType.Int8 or Ir.ElementType.Int4 => "sbyte",
            Ir.ElementType.Int32 => "int",
            Ir.ElementType.Int64 => "long",
            Ir.ElementType.Bool => "bool",
            _ => throw new ArgumentException($"element type {type.ShortName()} has no C# type in generated code"),
        };

        public static string Span(string elementType) => $"global::System.Span<{elementType}>";

        public static string ReadOnlySpan(string elementType) => $"global::System.ReadOnlySpan<{elementType}>";

        public static string Int(long n) => n.ToString(CultureInfo.InvariantCulture) + (n > int.MaxValue || n < int.MinValue ? "L" : "");

        public static string Byte(byte b) => "0x" + b.ToString("x2", CultureInfo.InvariantCulture);

        public static string Long(long n) => n == long.MinValue ? "long.MinValue" : n.ToString(CultureInfo.InvariantCulture) + "L";

        /// <summary>A float literal that reads back as the same float (G9), with the special values spelled out.</summary>
        public static string Float(float f)
        {
            if (float.IsNaN(f))
                return "float.NaN";
            if (float.IsPositiveInfinity(f))
                return "float.PositiveInfinity";
            if (float.IsNegativeInfinity(f))
                return "float.NegativeInfinity";
            string s = f.ToString("G9", CultureInfo.InvariantCulture);
            return (s.Contains("E") ? s.Replace("E", "e") : s) + "f";
        }

        public static string String(string s)
        {
            var sb = new StringBuilder("\"");
            foreach (char c in s)
            {
                if (c == '"' || c == '\\')
                    sb.Append('\\').Append(c);
                else if (c < ' ' || c > '~')
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else
                    sb.Append(c);
            }
            return sb.Append('"').ToString();
        }

        public static string IntArray(IEnumerable<int> values) => "new int[] { " + string.Join(", ", values.Select(v => Int(v))) + " }";

        /// <summary>
        /// A valid C# identifier for <paramref name="name"/> in PascalCase or camelCase: letters and
        /// digits kept, every other character a word break; a leading digit gets a prefix.
        /// </summary>
        public static string Identifier(string name, bool pascal)
        {
            var sb = new StringBuilder();
            bool wordStart = true;
            foreach (char c in name)
            {
                if (c < 128 && char.IsLetterOrDigit(c))
                {
                    sb.Append(wordStart ? char.ToUpperInvariant(c) : c);
                    wordStart = false;
                }
                else
                {
                    wordStart = true;
                }
            }
            if (sb.Length > 0 && !pascal)
                sb[0] = char.ToLowerInvariant(sb[0]);
            string id = sb.ToString();
            if (id.Length == 0 || char.IsDigit(id[0]))
                id = (pascal ? "V" : "v") + id;
            return Keywords.Contains(id) ? "@" + id : id;
        }
    }
}
