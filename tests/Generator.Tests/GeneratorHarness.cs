using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Bitsmith.Compiler.Lowering;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// The generator run in memory as a build would run it: a project folder, plans as
    /// AdditionalFiles with the task's metadata, and user sources with [CompiledModel].
    /// </summary>
    internal static class GeneratorHarness
    {
        public const string ProjectDirectory = "/project";

        private static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.CSharp13);

        private static readonly IReadOnlyList<MetadataReference> References =
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => p.Length > 0)
                .Select(p => MetadataReference.CreateFromFile(p))
                .ToList();

        private static readonly Lazy<string> DemoPlanText = new Lazy<string>(() =>
            ModelCompiler.Compile(Path.Combine(RepositoryRoot, "samples", "models", "demo-qdq-cnn.onnx"), new CompileOptions()).PlanText);

        /// <summary>The demo model's plan, as the task writes it.</summary>
        public static string DemoPlan => DemoPlanText.Value;

        public static string RepositoryRoot => Path.GetFullPath(typeof(GeneratorHarness).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

        public static CSharpCompilation Compilation(params string[] sources) =>
            CSharpCompilation.Create("App", sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")), References,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        /// <summary>A driver over plans given as (model path relative to the project, plan text).</summary>
        public static GeneratorDriver Driver(params (string Model, string Plan)[] plans) => Driver(out _, plans);

        /// <summary>The same, giving back the AdditionalFiles items so a test can replace one.</summary>
        public static GeneratorDriver Driver(out IReadOnlyList<AdditionalText> planFiles, params (string Model, string Plan)[] plans) =>
            Driver(null, out planFiles, plans);

        /// <summary>The same with build properties the generator may read (e.g. <c>BitsmithProfile</c>).</summary>
        public static GeneratorDriver Driver(IReadOnlyDictionary<string, string>? properties, out IReadOnlyList<AdditionalText> planFiles, params (string Model, string Plan)[] plans)
        {
            var texts = new List<AdditionalText>();
            foreach (var (model, plan) in plans)
            {
                string name = Path.GetFileNameWithoutExtension(model);
                texts.Add(new TestAdditionalText($"{ProjectDirectory}/obj/bitsmith/{name}.bsplan", PlanFile(model, plan)));
            }
            planFiles = texts;
            return CSharpGeneratorDriver.Create(
                new[] { new ModelGenerator().AsSourceGenerator() }, texts, ParseOptions, new TestOptions(ProjectDirectory, properties),
                new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        }

        /// <summary>A plan file as the task writes it: the header lines (project, model, resource), then the plan.</summary>
        public static string PlanFile(string model, string plan) =>
            TestAdditionalText.PlanFile(ProjectDirectory, $"{ProjectDirectory}/{model}", $"Bitsmith.{Path.GetFileNameWithoutExtension(model)}.weights", plan);

        /// <summary>Source with line numbers, for a failure message.</summary>
        public static string Numbered(string source) =>
            string.Join("\n", source.Split('\n').Select((l, i) => $"{i + 1,5}: {l}"));
    }
}
