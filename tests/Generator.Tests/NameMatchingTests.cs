using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// The generator in memory on names a user may write: model paths that differ only by case,
    /// classes whose names differ only by case, non-ASCII names and keywords escaped with '@'.
    /// The generated code must compile, and no exception may reach Roslyn.
    /// </summary>
    public class NameMatchingTests
    {
        [Fact]
        public void ModelPathsDifferingOnlyByCaseAreTwoModels()
        {
            string lower = GeneratorHarness.DemoPlan, upper = GeneratorHarness.DemoPlan.Replace("demo_qdq_cnn", "upper_model");
            var result = Run(new[] { ("models/m.onnx", lower), ("models/M.onnx", upper) }, """
                [Bitsmith.CompiledModel("models/M.onnx")] public static partial class Upper;
                [Bitsmith.CompiledModel("models/m.onnx")] public static partial class Lower;
                """);

            Assert.Empty(result.Diagnostics);
            Assert.Contains("upper_model", Source(result, "Upper.g.cs"));
            Assert.DoesNotContain("upper_model", Source(result, "Lower.g.cs"));
        }

        [Fact]
        public void PathWithOtherCaseMatchesNothingOnLinux()
        {
            Assert.SkipUnless(System.OperatingSystem.IsLinux(), "Linux file systems tell case apart");
            var result = Run(new[] { ("models/m.onnx", GeneratorHarness.DemoPlan) }, """
                [Bitsmith.CompiledModel("models/M.onnx")] public static partial class Upper;
                """);

            Assert.Equal("BSM1002", Assert.Single(result.Diagnostics).Id);
        }

        [Fact]
        public void ClassesDifferingOnlyByCaseBothGetCode()
        {
            var driver = GeneratorHarness.Driver(("models/a.onnx", GeneratorHarness.DemoPlan), ("models/b.onnx", GeneratorHarness.DemoPlan));
            driver = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation("""
                namespace N
                {
                    [Bitsmith.CompiledModel("models/a.onnx")] public static partial class Net;
                    [Bitsmith.CompiledModel("models/b.onnx")] public static partial class NET;
                }
                """), out var output, out var diagnostics, TestContext.Current.CancellationToken);

            Assert.Empty(diagnostics);
            var result = driver.GetRunResult();
            Assert.Null(result.Results.Single().Exception);
            Assert.Equal(2, result.GeneratedTrees.Length);
            AssertCompiles(output);
        }

        [Theory]
        [InlineData("Données", "Modèle")]
        [InlineData("App", "@class")]
        [InlineData("@namespace.@int", "Ω_Сеть")]
        public void AnyValidClassNameGetsCompilingCode(string ns, string name)
        {
            var driver = GeneratorHarness.Driver(("models/demo.onnx", GeneratorHarness.DemoPlan));
            driver = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation($$"""
                namespace {{ns}}
                {
                    [Bitsmith.CompiledModel("models/demo.onnx")] public static partial class {{name}};
                    public static class Caller
                    {
                        public static void Call(float[] image, float[] logits) => {{name}}.Run(image, logits);
                    }
                }
                """), out var output, out var diagnostics, TestContext.Current.CancellationToken);

            Assert.Empty(diagnostics);
            Assert.Null(driver.GetRunResult().Results.Single().Exception);
            Assert.Single(driver.GetRunResult().GeneratedTrees);
            AssertCompiles(output);
        }

        [Theory]
        [InlineData("public static partial class Outer", "public", "Outer.Net")]
        [InlineData("internal partial struct Outer", "internal", "Outer.Net")]
        [InlineData("public partial record Outer(int X)", "private", "Outer.Net")]
        [InlineData("public static partial class Outer { public static partial class @class", "public", "Outer.@class.Net")]
        public void ClassNestedInPartialTypesGetsCompilingCode(string outer, string accessibility, string path)
        {
            string closing = new string('}', outer.Count(c => c == '{') + 1);
            string call = accessibility == "private" ? "" : $"public static class Caller {{ public static void Call(float[] i, float[] o) => {path}.Run(i, o); }}";
            var driver = GeneratorHarness.Driver(("models/demo.onnx", GeneratorHarness.DemoPlan));
            driver = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation($$"""
                namespace App
                {
                    {{outer}}
                    {
                        [Bitsmith.CompiledModel("models/demo.onnx")] {{accessibility}} static partial class Net;
                        {{(accessibility == "private" ? "public static void Call(float[] i, float[] o) => Net.Run(i, o);" : "")}}
                    {{closing}}
                    {{call}}
                }
                """), out var output, out var diagnostics, TestContext.Current.CancellationToken);

            Assert.Empty(diagnostics);
            Assert.Null(driver.GetRunResult().Results.Single().Exception);
            Assert.Single(driver.GetRunResult().GeneratedTrees);
            AssertCompiles(output);
        }

        [Theory]
        [InlineData("public static partial class Outer<T>", "nested in generic 'Outer<T>'")]
        [InlineData("public static class Outer", "nested in 'Outer', which is not partial")]
        public void ClassNestedInAGenericOrNonPartialTypeIsReported(string outer, string problem)
        {
            var result = Run(new[] { ("models/demo.onnx", GeneratorHarness.DemoPlan) }, $$"""
                {{outer}} { [Bitsmith.CompiledModel("models/demo.onnx")] public static partial class Net; }
                """);

            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("BSM1001", diagnostic.Id);
            Assert.Contains(problem, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        }

        private static GeneratorDriverRunResult Run((string Model, string Plan)[] plans, string source) =>
            GeneratorHarness.Driver(plans).RunGenerators(GeneratorHarness.Compilation(source), TestContext.Current.CancellationToken).GetRunResult();

        private static string Source(GeneratorDriverRunResult result, string hintName) =>
            result.GeneratedTrees.Single(t => t.FilePath.EndsWith(hintName, System.StringComparison.Ordinal)).ToString();

        private static void AssertCompiles(Compilation output)
        {
            var errors = output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => e.GetMessage(CultureInfo.InvariantCulture))));
        }
    }
}
