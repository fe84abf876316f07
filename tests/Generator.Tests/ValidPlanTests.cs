using System.Collections.Generic;
using System.IO;
using System.Linq;
using Bitsmith.Compiler;
using Bitsmith.Compiler.Lowering;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// The generator's checks of a plan (reader, header, consistency) must refuse damage only:
    /// every plan the compiler writes for ONNX's backend test models it supports, and for the
    /// shipped models, generates code without a diagnostic.
    /// </summary>
    public class ValidPlanTests
    {
        private const string TestData = "/usr/share/libonnx-testdata/data";

        [Fact]
        public void EveryPlanTheCompilerWritesGenerates()
        {
            var models = new[] { "node", "pytorch-converted", "pytorch-operator", "simple" }
                .Select(d => Path.Combine(TestData, d)).Where(Directory.Exists)
                .SelectMany(d => Directory.GetDirectories(d)).Select(d => Path.Combine(d, "model.onnx")).Where(File.Exists)
                .Concat(Directory.GetFiles(Path.Combine(GeneratorHarness.RepositoryRoot, "samples", "models"), "*.onnx"))
                .OrderBy(p => p, System.StringComparer.Ordinal).ToList();
            Assert.True(models.Count > 100, $"only {models.Count} models: is libonnx-testdata installed?");
            var compilation = GeneratorHarness.Compilation("""[Bitsmith.CompiledModel("models/m.onnx")] public static partial class Net;""");
            var refused = new List<string>();
            int compiled = 0;
            foreach (string model in models)
            {
                string plan;
                try
                {
                    plan = ModelCompiler.Compile(model, new CompileOptions()).PlanText;
                }
                catch (ModelException)
                {
                    continue;
                }
                compiled++;
                var result = GeneratorHarness.Driver(("models/m.onnx", plan)).RunGenerators(compilation, TestContext.Current.CancellationToken).GetRunResult();
                if (result.Diagnostics.Length > 0 || result.GeneratedTrees.Length != 1)
                    refused.Add($"{model}: {string.Join("; ", result.Diagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)))}");
            }
            Assert.True(compiled > 100, $"only {compiled} models compiled");
            Assert.True(refused.Count == 0, $"{refused.Count} of {compiled} valid plans refused:\n" + string.Join("\n", refused.Take(20)));
        }
    }
}
