using System.Collections.Generic;

namespace Bitsmith.Compiler.Import
{
    /// <summary>How to specialise a model's symbolic dimensions to static shapes.</summary>
    public sealed class ImportOptions
    {
        /// <summary>The value of a symbolic leading (batch) dimension. Default 1.</summary>
        public int BatchSize { get; set; } = 1;

        /// <summary>Values for named symbolic dimensions (dim_param); these win over <see cref="BatchSize"/>.</summary>
        public IDictionary<string, int> SymbolicDimensions { get; } = new Dictionary<string, int>();
    }
}
