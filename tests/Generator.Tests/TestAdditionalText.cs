using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Bitsmith.Generator.Tests
{
    /// <summary>An AdditionalFiles item held in memory.</summary>
    internal sealed class TestAdditionalText : AdditionalText
    {
        private readonly SourceText _text;

        public TestAdditionalText(string path, string text)
        {
            Path = path;
            _text = SourceText.From(text);
        }

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;

        /// <summary>A plan file as the MSBuild task writes it: the header lines (project, model's full path, weight resource), then the plan.</summary>
        public static string PlanFile(string projectDirectory, string modelPath, string resourceName, string plan) =>
            $"# bitsmith-project {projectDirectory}\n# bitsmith-model {modelPath}\n# bitsmith-resource {resourceName}\n# bitsmith-plan-sha256 {Sha256(plan)}\n{plan}";

        private static string Sha256(string text)
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            return string.Concat(System.Array.ConvertAll(sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(text)), b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
