using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Bitsmith.Generator
{
    /// <summary>Names of the user's symbols as generated code must spell them, and hint names made from them.</summary>
    internal static class CSharpNames
    {
        /// <summary>
        /// A symbol's name as it can appear in source: a name that is a keyword (a class declared
        /// as <c>@class</c>) gets its '@' back, which Roslyn's symbol names do not carry.
        /// </summary>
        public static string Escape(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        /// <summary>
        /// The start of a hint name for a class: letters and digits of any script, '.' and '_'
        /// kept, every other character (the '@' of an escaped keyword among them) an '_'.
        /// Uniqueness, which Roslyn checks ignoring case, is the caller's business.
        /// </summary>
        public static string HintBase(string fullName)
        {
            var sb = new StringBuilder(fullName.Length);
            foreach (char c in fullName)
                sb.Append(char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_');
            return sb.ToString();
        }
    }
}
