using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Bitsmith.Compiler.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Bitsmith.Cli.Execution
{
    /// <summary>
    /// The generated code compiled with Roslyn into an in-memory assembly (the weights as its
    /// manifest resource, as a build embeds them), loaded into a collectible context, and called
    /// through <see cref="AdapterSource"/>: the same code an app would build.
    /// </summary>
    public sealed class InMemoryModel : IDisposable
    {
        private readonly AssemblyLoadContext _context;
        private readonly Action<object[], object[], LayerThreads?> _bind;
        private readonly Action _run;

        private InMemoryModel(AssemblyLoadContext context, Type adapter, GeneratedSource generated)
        {
            _context = context;
            Generated = generated;
            _bind = adapter.GetMethod("Bind", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<Action<object[], object[], LayerThreads?>>();
            _run = adapter.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<Action>();
        }

        public GeneratedSource Generated { get; }

        /// <summary>Compiles and loads <paramref name="generated"/>; code that does not compile is a bug of ours, reported with the first errors.</summary>
        public static InMemoryModel Compile(GeneratedSource generated)
        {
            var parse = new CSharpParseOptions(LanguageVersion.CSharp13);
            var trees = new[]
            {
                CSharpSyntaxTree.ParseText(generated.Source, parse, path: generated.ClassName + ".g.cs"),
                CSharpSyntaxTree.ParseText(AdapterSource.For(generated), parse, path: "ModelAdapter.cs"),
            };
            var compilation = CSharpCompilation.Create("Bitsmith.Cli.Generated." + generated.ClassName, trees, References.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));
            var resources = generated.WeightResource.Length == 0
                ? Array.Empty<ResourceDescription>()
                : new[] { new ResourceDescription(generated.ResourceName, () => new MemoryStream(generated.WeightResource), isPublic: true) };
            using var image = new MemoryStream();
            var result = compilation.Emit(image, manifestResources: resources);
            if (!result.Success)
            {
                var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3).Select(d => d.ToString());
                throw new CliException($"{generated.Compiled.Plan.SourceFile}: the generated code does not compile (a Bitsmith bug, please report it with the model): {string.Join("; ", errors)}");
            }
            image.Position = 0;
            var context = new AssemblyLoadContext("bitsmith generated " + generated.ClassName, isCollectible: true);
            var assembly = context.LoadFromStream(image);
            var adapter = assembly.GetType(AdapterSource.Namespace + "." + AdapterSource.ClassName, throwOnError: true)!;
            return new InMemoryModel(context, adapter, generated);
        }

        /// <summary>Fresh zeroed output tensors of the model's output types and shapes.</summary>
        public Tensor[] NewOutputs()
        {
            var values = Generated.Plan.ValuesByName();
            return Generated.Plan.Outputs.Select(n => Tensor.Zeros(values[n].Type, values[n].Shape.ToArray())).ToArray();
        }

        /// <summary>
        /// Makes the next <see cref="Run()"/> calls read <paramref name="inputs"/> and write <paramref name="outputs"/>
        /// (the arrays themselves, not copies), on the calling thread or split across <paramref name="threads"/>.
        /// </summary>
        public void Bind(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, LayerThreads? threads = null) =>
            _bind(inputs.Select(t => (object)t.Data).ToArray(), outputs.Select(t => (object)t.Data).ToArray(), threads);

        /// <summary>One call of the generated <c>Run</c> on the bound arrays.</summary>
        public void Run() => _run();

        /// <summary>Runs once on <paramref name="inputs"/> and returns the outputs.</summary>
        public Tensor[] Run(IReadOnlyList<Tensor> inputs)
        {
            var outputs = NewOutputs();
            Bind(inputs, outputs);
            _run();
            return outputs;
        }

        public void Dispose() => _context.Unload();

        /// <summary>The framework and this tool's own assemblies (Bitsmith.Runtime among them), as the host resolved them.</summary>
        private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new Lazy<IReadOnlyList<MetadataReference>>(() =>
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => p.Length > 0)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToList());
    }
}
