using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// Many models compiled and emitted, then built as ONE in-memory assembly (weights as its
    /// manifest resources) and loaded into a collectible context. Each model gets a small adapter
    /// class written by the test (generated code takes spans, which reflection cannot pass) that
    /// calls its Run with arrays.
    /// </summary>
    public sealed class GeneratedAssembly
    {
        private const string Namespace = "Bitsmith.Generated";

        private readonly Dictionary<string, GeneratedModel> _models = new Dictionary<string, GeneratedModel>();
        private readonly Dictionary<string, string> _problems = new Dictionary<string, string>();

        public GeneratedAssembly(IEnumerable<ModelCase> cases)
        {
            var emitted = new List<(ModelCase Case, string Class, CompiledModel Model, string Source)>();
            int index = 0;
            foreach (var c in cases)
            {
                string cls = "Model" + (index++).ToString(System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    var model = ModelCompiler.Compile(c.Graph, c.Options);
                    string source = CSharpEmitter.Emit(model.Plan, new EmitOptions { Namespace = Namespace, ClassName = cls, WeightResourceName = cls + ".weights", Profile = c.Profile, SplitThresholdNanoseconds = c.SplitEveryLayer ? 0 : new EmitOptions().SplitThresholdNanoseconds });
                    emitted.Add((c, cls, model, source));
                }
                catch (Exception e)
                {
                    _problems[c.Name] = "compile or emit: " + e;
                }
            }

            // Build; drop the models whose code does not compile and build the rest again.
            var trees = emitted.ToDictionary(e => e.Class, e => new[]
            {
                CSharpSyntaxTree.ParseText(e.Source, ParseOptions, path: e.Class + ".g.cs"),
                CSharpSyntaxTree.ParseText(Adapter(e.Class, e.Model.Plan), ParseOptions, path: e.Class + ".adapter.cs"),
            });
            byte[]? image = null;
            while (image == null && emitted.Count > 0)
            {
                var compilation = CSharpCompilation.Create("Bitsmith.Generated.Models", emitted.SelectMany(e => trees[e.Class]), References,
                    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));
                var resources = emitted.Where(e => e.Model.Weights.Length > 0)
                    .Select(e => new ResourceDescription(e.Class + ".weights", () => new MemoryStream(WeightResourceFile.Bytes(e.Model.Weights, e.Model.Plan.WeightsSha256)), isPublic: true));
                using var stream = new MemoryStream();
                var result = compilation.Emit(stream, manifestResources: resources);
                if (result.Success)
                {
                    image = stream.ToArray();
                    Warnings = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
                    break;
                }
                var broken = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
                    .GroupBy(d => d.Location.SourceTree?.FilePath.Split('.')[0] ?? "")
                    .ToList();
                if (broken.All(g => g.Key.Length == 0))
                    throw new InvalidOperationException("the generated code does not compile:\n" + string.Join("\n", broken.SelectMany(g => g)));
                foreach (var g in broken.Where(g => g.Key.Length > 0))
                {
                    var e = emitted.Single(x => x.Class == g.Key);
                    _problems[e.Case.Name] = "the generated code does not compile:\n" + string.Join("\n", g.Take(20)) + "\n" + Numbered(e.Source);
                    emitted.Remove(e);
                }
            }
            if (image == null)
                return;

            var context = new AssemblyLoadContext("generated models", isCollectible: true);
            var assembly = context.LoadFromStream(new MemoryStream(image));
            foreach (var e in emitted)
                _models[e.Case.Name] = new GeneratedModel(e.Case, e.Model, e.Source, assembly.GetType($"{Namespace}.{e.Class}Adapter", throwOnError: true)!,
                    assembly.GetType($"{Namespace}.{e.Class}", throwOnError: true)!);
        }

        /// <summary>The compiler's warnings on the generated code (and the adapters).</summary>
        public IReadOnlyList<string> Warnings { get; private set; } = Array.Empty<string>();

        /// <summary>The model of a case, or the reason there is none.</summary>
        public GeneratedModel Model(string caseName) =>
            _models.TryGetValue(caseName, out var m) ? m : throw new InvalidOperationException($"{caseName}: {_problems.GetValueOrDefault(caseName, "not part of this assembly")}");

        public bool TryGetProblem(string caseName, out string problem) => _problems.TryGetValue(caseName, out problem!);

        public static string Numbered(string source) =>
            string.Join("\n", source.Split('\n').Select((l, i) => (i + 1).ToString("D5", System.Globalization.CultureInfo.InvariantCulture) + "  " + l));

        private static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.CSharp13);

        private static readonly IReadOnlyList<MetadataReference> References =
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => p.Length > 0)
                .Select(p => MetadataReference.CreateFromFile(p))
                .ToList();

        /// <summary>Array-taking entry points for a model class: Run, Run with a caller's scratch array, and Run n times in a loop, each on the calling thread or with threads.</summary>
        private static string Adapter(string cls, Plan plan)
        {
            var values = plan.ValuesByName();
            var ports = plan.Inputs.Select((n, i) => (Array: "i", Index: i, Type: CSharp.ElementType(values[n].Type)))
                .Concat(plan.Outputs.Select((n, i) => (Array: "o", Index: i, Type: CSharp.ElementType(values[n].Type))))
                .ToList();
            string Args(string prefix) => string.Join(", ", ports.Select(p => $"{prefix}{p.Array}{p.Index}"));
            var sb = new StringBuilder();
            sb.Append("namespace ").Append(Namespace).Append("\n{\n");
            sb.Append("    public static class ").Append(cls).Append("Adapter\n    {\n");
            sb.Append("        public static void Run(object[] i, object[] o, byte[]? scratch, int times, global::Bitsmith.LayerThreads? threads)\n        {\n");
            foreach (var p in ports)
                sb.Append($"            var a{p.Array}{p.Index} = ({p.Type}[]){p.Array}[{p.Index}];\n");
            sb.Append($"            if (scratch != null) {{ {cls}.Run({Args("a")}, scratch, threads); return; }}\n");
            sb.Append($"            if (threads != null) {{ for (int k = 0; k < times; k++) {cls}.Run({Args("a")}, threads); return; }}\n");
            sb.Append($"            for (int k = 0; k < times; k++) {cls}.Run({Args("a")});\n");
            sb.Append("        }\n    }\n}\n");
            return sb.ToString();
        }
    }
}
