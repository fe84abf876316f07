using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Generator;
using Bitsmith.Generator.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Bitsmith.Bench
{
    /// <summary>
    /// The two halves of the build-time work, in process: the MSBuild task's compile of the model
    /// (import, passes, strategies, memory plan, weight packing) and the source generator on its
    /// plan (a fresh driver each time, as in a clean build).
    /// </summary>
    [MemoryDiagnoser]
    public class InProcessBenchmarks
    {
        private const string ProjectDirectory = "/project";

        private string _modelPath = "";
        private CSharpCompilation _compilation = null!;
        private TestAdditionalText _plan = null!;
        private TestOptions _options = null!;

        [Params("mlp-1mb", "mlp-20mb")]
        public string Model { get; set; } = "";

        [GlobalSetup]
        public void Setup()
        {
            _modelPath = BenchModels.Write(Path.Combine(Path.GetTempPath(), "bitsmith-bench-models"), Model);
            string planPath = $"{ProjectDirectory}/obj/bitsmith/{Model}.bsplan";
            _plan = new TestAdditionalText(planPath, TestAdditionalText.PlanFile(ProjectDirectory, $"{ProjectDirectory}/{Model}.onnx", $"Bitsmith.{Model}.weights",
                ModelCompiler.Compile(_modelPath, new CompileOptions()).PlanText));
            _options = new TestOptions(ProjectDirectory);
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => p.Length > 0).Select(p => MetadataReference.CreateFromFile(p));
            string source = $"[Bitsmith.CompiledModel(\"{Model}.onnx\")] public static partial class Net;";
            _compilation = CSharpCompilation.Create("App", new[] { CSharpSyntaxTree.ParseText(source, Parse, path: "Program.cs") }, references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
            var generated = Driver().RunGeneratorsAndUpdateCompilation(_compilation, out var output, out var diagnostics);
            var errors = diagnostics.Concat(output.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0 || output.SyntaxTrees.Count() != 2)
                throw new InvalidOperationException("the generator did not produce a compiling model: " + string.Join("; ", errors));
        }

        private static readonly CSharpParseOptions Parse = new CSharpParseOptions(LanguageVersion.Latest);

        private GeneratorDriver Driver() =>
            CSharpGeneratorDriver.Create(new[] { new ModelGenerator().AsSourceGenerator() }, new AdditionalText[] { _plan }, Parse, _options);

        /// <summary>What the MSBuild task does with the model, less writing the two files.</summary>
        [Benchmark]
        public int TaskCompile() => ModelCompiler.Compile(_modelPath, new CompileOptions()).Weights.Length;

        /// <summary>The generator alone: plan in, source text out.</summary>
        [Benchmark]
        public int Generator() => Driver().RunGenerators(_compilation).GetRunResult().Results[0].GeneratedSources.Length;

        /// <summary>The generator, then csc's work on what it produced (bind and emit the assembly).</summary>
        [Benchmark]
        public long GeneratorAndEmit()
        {
            Driver().RunGeneratorsAndUpdateCompilation(_compilation, out var output, out _);
            using var stream = new MemoryStream();
            output.Emit(stream);
            return stream.Length;
        }
    }
}
