using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Bitsmith.Bench
{
    /// <summary>What MSBuild hands the generator: the project folder, and the plan file's metadata.</summary>
    internal sealed class InProcessOptions : AnalyzerConfigOptionsProvider
    {
        private readonly Dictionary<string, Options> _files = new Dictionary<string, Options>();

        public InProcessOptions(string projectDirectory) =>
            GlobalOptions = new Options(new Dictionary<string, string> { ["build_property.MSBuildProjectDirectory"] = projectDirectory });

        public override AnalyzerConfigOptions GlobalOptions { get; }

        public void AddPlan(string planPath, string modelPath, string resourceName) =>
            _files[planPath] = new Options(new Dictionary<string, string>
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

    /// <summary>A plan file held in memory.</summary>
    internal sealed class InMemoryText : AdditionalText
    {
        private readonly SourceText _text;

        public InMemoryText(string path, string text)
        {
            Path = path;
            _text = SourceText.From(text);
        }

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
