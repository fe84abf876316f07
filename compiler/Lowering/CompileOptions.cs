using System;
using System.Collections.Generic;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// How a model is compiled. The names of the generated class and its namespace are not here:
    /// the emitter takes them (<see cref="Emit.EmitOptions"/>), so one plan serves any class.
    /// </summary>
    public sealed class CompileOptions
    {
        /// <summary>The value of a symbolic leading (batch) dimension. Default 1.</summary>
        public int BatchSize { get; set; } = 1;

        /// <summary>Per-layer strategy choices by node name (after the passes), e.g. "conv1" → "Generic"; names as in <see cref="Strategy"/>.</summary>
        public IDictionary<string, string> StrategyOverrides { get; } = new Dictionary<string, string>();

        /// <summary>
        /// Adds the overrides written as <c>"node=implementation;..."</c> (the item metadata's and the
        /// CLI's form; blank entries are skipped). A malformed entry is a <see cref="FormatException"/>.
        /// </summary>
        public CompileOptions WithStrategyOverrides(string text)
        {
            foreach (string entry in text.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (entry.Trim().Length == 0)
                    continue;
                int eq = entry.IndexOf('=');
                if (eq <= 0 || eq == entry.Length - 1)
                    throw new FormatException($"StrategyOverrides entries are 'node=implementation', got '{entry.Trim()}'");
                StrategyOverrides[entry.Substring(0, eq).Trim()] = entry.Substring(eq + 1).Trim();
            }
            return this;
        }

        /// <summary>The instruction set the app targets (e.g. "x86-64-v3"); recorded in the plan only.</summary>
        public string TargetIsa { get; set; } = "";
    }
}
