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

        /// <summary>
        /// Graph inputs fixed to a value at compile time: they become constants and leave the
        /// model's inputs. For inputs that decide shapes (a Reshape's shape, a Pad's pads) which
        /// a model takes at run time but an application always gives the same.
        /// </summary>
        public IDictionary<string, Ir.Tensor> ConstantInputs { get; } = new Dictionary<string, Ir.Tensor>();
    }
}
