using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// The lexical rules of the plan's text form, shared by <see cref="PlanWriter"/> and
    /// <see cref="PlanReader"/>: tokens separated by spaces; names and strings quoted with
    /// C-style escapes; numbers in the invariant culture, floats as G9 (round-trips on every
    /// .NET, including the Framework that MSBuild may run on).
    /// </summary>
    internal static class PlanText
    {
        public const string Header = "bitsmith-plan";

        public static readonly IReadOnlyDictionary<string, ElementType> Types =
            Enum.GetValues(typeof(ElementType)).Cast<ElementType>().ToDictionary(t => t.ShortName());

        public static readonly IReadOnlyDictionary<string, ValueStorage> Storages = Names<ValueStorage>();

        public static readonly IReadOnlyDictionary<string, WeightLayout> Layouts = Names<WeightLayout>();

        public static readonly IReadOnlyDictionary<string, ActivationKind> Activations =
            Enum.GetValues(typeof(ActivationKind)).Cast<ActivationKind>().ToDictionary(s => s.ToString());

        /// <summary>"row-major" for RowMajor: enum names in the text are kebab-case.</summary>
        public static string Kebab<T>(T value) where T : struct, Enum
        {
            var sb = new StringBuilder();
            foreach (char c in value.ToString())
            {
                if (char.IsUpper(c) && sb.Length > 0)
                    sb.Append('-');
                sb.Append(char.ToLowerInvariant(c));
            }
            return sb.ToString();
        }

        public static string Quote(string s)
        {
            var sb = new StringBuilder(s.Length + 2).Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (char.IsControl(c))
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else
                            sb.Append(c);
                        break;
                }
            }
            return sb.Append('"').ToString();
        }

        public static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

        public static string Number(float f) => f.ToString("G9", CultureInfo.InvariantCulture);

        public static string Number(double d) => d.ToString("G17", CultureInfo.InvariantCulture);

        public static string List<T>(IEnumerable<T> items, Func<T, string> format) => string.Join(",", items.Select(format));

        /// <summary>Splits a line into tokens; a quoted token comes back unescaped with <paramref name="quoted"/> set.</summary>
        public static List<(string Text, bool Quoted)> Tokenize(string line, int lineNumber)
        {
            var tokens = new List<(string, bool)>();
            int i = 0;
            while (i < line.Length)
            {
                char c = line[i];
                if (c == ' ' || c == '\t')
                {
                    i++;
                    continue;
                }
                if (c != '"')
                {
                    int start = i;
                    while (i < line.Length && line[i] != ' ' && line[i] != '\t')
                        i++;
                    tokens.Add((line.Substring(start, i - start), false));
                    continue;
                }
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length)
                        throw new PlanFormatException("unterminated string", lineNumber);
                    c = line[i++];
                    if (c == '"')
                        break;
                    if (c != '\\')
                    {
                        sb.Append(c);
                        continue;
                    }
                    if (i >= line.Length)
                        throw new PlanFormatException("unterminated escape in a string", lineNumber);
                    char e = line[i++];
                    switch (e)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u' when i + 4 <= line.Length && int.TryParse(line.Substring(i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code):
                            sb.Append((char)code);
                            i += 4;
                            break;
                        default:
                            throw new PlanFormatException($"unknown escape '\\{e}' in a string", lineNumber);
                    }
                }
                tokens.Add((sb.ToString(), true));
            }
            return tokens;
        }

        private static IReadOnlyDictionary<string, T> Names<T>() where T : struct, Enum =>
            Enum.GetValues(typeof(T)).Cast<T>().ToDictionary(v => Kebab(v));
    }
}
