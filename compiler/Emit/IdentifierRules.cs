using System.Globalization;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// C#'s rules for an identifier written in source (spec §6.4.3): a letter of any script or '_'
    /// first, then letters, digits, connecting, combining and formatting characters; an '@' in
    /// front makes a keyword usable as a name. The user's class and namespace come as written
    /// (<c>Données.Modèle</c>, <c>@class</c>), so ASCII rules would reject valid names.
    /// </summary>
    public static class IdentifierRules
    {
        public static bool IsValid(string s)
        {
            int i = s.Length > 0 && s[0] == '@' ? 1 : 0;
            if (i >= s.Length || !IsStart(CharUnicodeInfo.GetUnicodeCategory(s, i), s[i]))
                return false;
            for (i += char.IsSurrogatePair(s, i) ? 2 : 1; i < s.Length; i += char.IsSurrogatePair(s, i) ? 2 : 1)
                if (!IsPart(CharUnicodeInfo.GetUnicodeCategory(s, i)))
                    return false;
            return true;
        }

        private static bool IsStart(UnicodeCategory c, char first) => first == '_' || IsLetter(c);

        private static bool IsLetter(UnicodeCategory c) =>
            c == UnicodeCategory.UppercaseLetter || c == UnicodeCategory.LowercaseLetter || c == UnicodeCategory.TitlecaseLetter
            || c == UnicodeCategory.ModifierLetter || c == UnicodeCategory.OtherLetter || c == UnicodeCategory.LetterNumber;

        private static bool IsPart(UnicodeCategory c) =>
            IsLetter(c) || c == UnicodeCategory.DecimalDigitNumber || c == UnicodeCategory.ConnectorPunctuation
            || c == UnicodeCategory.NonSpacingMark || c == UnicodeCategory.SpacingCombiningMark || c == UnicodeCategory.Format;
    }
}
