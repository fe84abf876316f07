using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bitsmith.Generator.Tests
{
    /// <summary>What MSBuild passes the generator: global build properties (plan files carry their own header, not metadata).</summary>
    internal sealed class TestOptions : AnalyzerConfigOptionsProvider
    {
        public TestOptions(string projectDirectory, IReadOnlyDictionary<string, string>? properties = null)
        {
            var values = new Dictionary<string, string> { ["build_property.MSBuildProjectDirectory"] = projectDirectory };
            foreach (var p in properties ?? new Dictionary<string, string>())
                values["build_property." + p.Key] = p.Value;
            GlobalOptions = new Options(values);
        }

        public override AnalyzerConfigOptions GlobalOptions { get; }

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new Options(new Dictionary<string, string>());

            private readonly Dictionary<string, string> _values;

            public Options(Dictionary<string, string> values) => _values = values;

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
        }
    }
}
