using System.Collections.Generic;
using System.Globalization;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>Hands out unique identifiers: a name already taken gets a numeric suffix.</summary>
    public sealed class IdentifierSet
    {
        private readonly HashSet<string> _taken = new HashSet<string>();

        public IdentifierSet(params string[] reserved)
        {
            foreach (var r in reserved)
                _taken.Add(r);
        }

        public string Unique(string identifier)
        {
            string candidate = identifier;
            for (int n = 2; !_taken.Add(candidate); n++)
                candidate = identifier + n.ToString(CultureInfo.InvariantCulture);
            return candidate;
        }
    }
}
