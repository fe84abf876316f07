using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    public class GeneratorTests
    {
        private const string DemoModel = "models/demo.onnx";

        private const string DemoClass = """
            namespace App.Models
            {
                [Bitsmith.CompiledModel("models/demo.onnx")]
                public static partial class DemoNet;
            }
            """;

        private const string Caller = """
            namespace App
            {
                public static class Caller
                {
                    public static float First(float[] image)
                    {
                        var logits = new float[App.Models.DemoNet.LogitsLength];
                        App.Models.DemoNet.Run(image, logits);
                        return logits[0];
                    }
                }
            }
            """;

        [Fact]
        public void GeneratedModelCompilesWithItsCaller()
        {
            var driver = GeneratorHarness.Driver((DemoModel, GeneratorHarness.DemoPlan));
            driver = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation(DemoClass, Caller), out var output, out var generatorDiagnostics, TestContext.Current.CancellationToken);

            Assert.Empty(generatorDiagnostics);
            var generated = Assert.Single(driver.GetRunResult().GeneratedTrees);
            Assert.EndsWith("App.Models.DemoNet.g.cs", generated.FilePath);
            string source = generated.ToString();
            Assert.Contains("namespace App.Models", source);
            Assert.Contains("public static partial class DemoNet", source);
            Assert.Contains("\"Bitsmith.demo.weights\"", source);
            var errors = output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + GeneratorHarness.Numbered(source));
        }

        [Theory]
        [InlineData("true", true)]
        [InlineData("True", true)]
        [InlineData("false", false)]
        [InlineData("", false)]
        public void TheProfilePropertyAddsTheLayerTimer(string value, bool profiled)
        {
            var driver = GeneratorHarness.Driver(new Dictionary<string, string> { ["BitsmithProfile"] = value }, out _, (DemoModel, GeneratorHarness.DemoPlan));
            driver = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation(DemoClass, Caller), out var output, out var generatorDiagnostics, TestContext.Current.CancellationToken);

            Assert.Empty(generatorDiagnostics);
            string source = Assert.Single(driver.GetRunResult().GeneratedTrees).ToString();
            Assert.Equal(profiled, source.Contains("public static global::Bitsmith.LayerProfile Profile", StringComparison.Ordinal));
            Assert.Equal(profiled, source.Contains("Profile.Record(", StringComparison.Ordinal));
            var errors = output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + GeneratorHarness.Numbered(source));
        }

        [Fact]
        public void InternalClassGetsAnInternalPart()
        {
            var driver = GeneratorHarness.Driver((DemoModel, GeneratorHarness.DemoPlan));
            driver = driver.RunGenerators(GeneratorHarness.Compilation("""
                [Bitsmith.CompiledModel("./models/../models/demo.onnx")]
                internal static partial class Net;
                """), TestContext.Current.CancellationToken);

            var result = driver.GetRunResult();
            Assert.Empty(result.Diagnostics);
            Assert.Contains("internal static partial class Net", Assert.Single(result.GeneratedTrees).ToString());
        }

        [Theory]
        [InlineData("BSM1001", """[Bitsmith.CompiledModel("models/demo.onnx")] public partial class Net;""")]
        [InlineData("BSM1001", """[Bitsmith.CompiledModel("models/demo.onnx")] public static class Net { }""")]
        [InlineData("BSM1001", """public static class Outer { [Bitsmith.CompiledModel("models/demo.onnx")] public static partial class Net; }""")]
        [InlineData("BSM1002", """[Bitsmith.CompiledModel("models/other.onnx")] public static partial class Net;""")]
        [InlineData("BSM1003", """
            [Bitsmith.CompiledModel("models/demo.onnx")] public static partial class One;
            [Bitsmith.CompiledModel("models/demo.onnx")] public static partial class Two;
            """)]
        public void BadDeclarationIsReported(string id, string source)
        {
            var driver = GeneratorHarness.Driver((DemoModel, GeneratorHarness.DemoPlan));
            var result = driver.RunGenerators(GeneratorHarness.Compilation(source), TestContext.Current.CancellationToken).GetRunResult();

            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal(id, diagnostic.Id);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            // Locations travel the pipeline as data and come back as file locations of the user's source.
            Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
            Assert.Null(result.Results.Single().Exception);
        }

        [Fact]
        public void DuplicateClassStillGeneratesTheFirst()
        {
            var driver = GeneratorHarness.Driver((DemoModel, GeneratorHarness.DemoPlan));
            var result = driver.RunGenerators(GeneratorHarness.Compilation("""
                [Bitsmith.CompiledModel("models/demo.onnx")] public static partial class One;
                [Bitsmith.CompiledModel("models/demo.onnx")] public static partial class Two;
                """), TestContext.Current.CancellationToken).GetRunResult();

            Assert.Contains("'One' and 'Two'", Assert.Single(result.Diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            Assert.EndsWith("One.g.cs", Assert.Single(result.GeneratedTrees).FilePath);
        }

        [Fact]
        public void UnreadablePlanIsReportedNotThrown()
        {
            var driver = GeneratorHarness.Driver((DemoModel, "this is not a plan\n"));
            var result = driver.RunGenerators(GeneratorHarness.Compilation(DemoClass), TestContext.Current.CancellationToken).GetRunResult();

            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("BSM1004", diagnostic.Id);
            Assert.Contains("demo.bsplan", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Empty(result.GeneratedTrees);
            Assert.Null(result.Results.Single().Exception);
        }

        [Fact]
        public void NoPlansAtAllSaysSo()
        {
            var result = GeneratorHarness.Driver().RunGenerators(GeneratorHarness.Compilation(DemoClass), TestContext.Current.CancellationToken).GetRunResult();

            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("BSM1002", diagnostic.Id);
            Assert.Contains("compiled models: none", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
