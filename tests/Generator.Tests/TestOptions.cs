using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bitsmith.Generator.Tests
{
    /// <summary>What MSBuild passes the generator: global build properties, and metadata per additional file.</summary>
    internal sealed class TestOptions : AnalyzerConfigOptionsProvider
    {
        private readonly Dictionary<string, Options> _files = new Dictionary<string, Options>();

        public TestOptions(string projectDirectory)
        {
            GlobalOptions = new Options(new Dictionary<string, string> { ["build_property.MSBuildProjectDirectory"] = projectDirectory });
        }

        public override AnalyzerConfigOptions GlobalOptions { get; }

        public void AddFile(string path, string modelPath, string resourceName) =>
            _files[path] = new Options(new Dictionary<string, string>
            {
                ["build_metadata.AdditionalFiles.BitsmithModelPath"] = modelPath,
                ["build_metadata.AdditionalFiles.BitsmithResourceName"] = resourceName,
            });

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            _files.TryGetValue(textFile.Path, out var options) ? options : Options.Empty;

        private sealed class Options : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new Options(new Dictionary<string, string>());

            private readonly Dictionary<string, string> _values;

            public Options(Dictionary<string, string> values) => _values = values;

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
        }
    }
}
