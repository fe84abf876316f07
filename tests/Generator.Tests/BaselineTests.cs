using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// The generator's output compared exactly with Baselines/{Test}/{HintName}.txt, the
    /// assembly version in [GeneratedCode] written as %VERSION%. A change to the generated code
    /// shows up as a diff in review: `dotnet test -p:UpdateBaselines=true` (or the environment
    /// variable BITSMITH_UPDATE_BASELINES=1) rewrites the files instead of comparing.
    /// </summary>
    public class BaselineTests
    {
        private const string VersionPlaceholder = "%VERSION%";

        private static readonly Lazy<string> FloatPlanText = new Lazy<string>(() =>
            ModelCompiler.Compile(FloatModelPath, new CompileOptions()).PlanText);

        /// <summary>A small float model: ONNX's exported PyTorch Linear (Gemm with weights and bias).</summary>
        private static string FloatModelPath => "/usr/share/libonnx-testdata/data/pytorch-converted/test_Linear/model.onnx";

        public static TheoryData<string> Tests => new TheoryData<string> { "DemoModel", "FloatLinear" };

        [Theory]
        [MemberData(nameof(Tests))]
        public void GeneratedSourceMatchesBaseline(string test)
        {
            var (hintName, source) = Generate(test);
            string path = Path.Combine(GeneratorHarness.RepositoryRoot, "tests", "Generator.Tests", "Baselines", test, hintName + ".txt");
            string actual = WithPlaceholder(source);
            if (UpdateBaselines)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, actual);
                return;
            }
            Assert.True(File.Exists(path), $"no baseline {path}: run `dotnet test tests/Generator.Tests -p:UpdateBaselines=true` and review the new file");
            Assert.Equal(File.ReadAllText(path), actual);
        }

        /// <summary>
        /// Under a culture whose minus sign is U+2212, formatting with the current culture would
        /// write "1e\u221205f", which is no C# literal: the output must equal the invariant culture's.
        /// </summary>
        [Fact]
        public void CultureWithUnicodeMinusGivesTheSameSource()
        {
            var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            culture.NumberFormat.NegativeSign = "\u2212";
            var demo = PlanReader.Parse(GeneratorHarness.DemoPlan);
            // Negative literals in the code: a Clip from -2^-16 (-1.52587891e-05) fused into the first int8 conv.
            int conv = demo.Steps.ToList().FindIndex(s => s.Implementation.StartsWith("qconv", StringComparison.Ordinal));
            var steps = demo.Steps.Select((s, i) => i == conv ? s with { Activation = new FusedActivation(ActivationKind.Clip, -1f / 65536, 6f) } : s);
            var plan = demo with { Steps = steps.ToImmutableEquatableArray() };
            var options = new EmitOptions { Namespace = "App", ClassName = "DemoNet", Accessibility = "public", WeightResourceName = "Bitsmith.demo.weights" };

            string invariant = Under(CultureInfo.InvariantCulture, () => CSharpEmitter.Emit(plan, options) + Generate("DemoModel").Source);
            string unicodeMinus = Under(culture, () =>
            {
                // The culture really writes U+2212, so the comparison below can fail.
                Assert.Equal("\u22121.5", (-1.5).ToString(CultureInfo.CurrentCulture));
                return CSharpEmitter.Emit(plan, options) + Generate("DemoModel").Source;
            });

            Assert.Contains("e-05f", invariant);
            Assert.DoesNotContain("\u2212", unicodeMinus);
            Assert.Equal(invariant, unicodeMinus);
        }

        private static bool UpdateBaselines =>
            string.Equals(Environment.GetEnvironmentVariable("BITSMITH_UPDATE_BASELINES"), "1", StringComparison.Ordinal)
            || string.Equals(typeof(BaselineTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "UpdateBaselines").Value, "true", StringComparison.OrdinalIgnoreCase);

        private static (string HintName, string Source) Generate(string test)
        {
            var (model, plan, declaration) = test switch
            {
                "DemoModel" => ("models/demo.onnx", GeneratorHarness.DemoPlan,
                    """namespace App.Models { [Bitsmith.CompiledModel("models/demo.onnx")] public static partial class DemoNet; }"""),
                "FloatLinear" => ("models/linear.onnx", FloatPlanText.Value,
                    """namespace App.Models { [Bitsmith.CompiledModel("models/linear.onnx")] internal static partial class LinearNet; }"""),
                _ => throw new ArgumentException("unknown baseline test " + test, nameof(test)),
            };
            var driver = GeneratorHarness.Driver((model, plan));
            driver = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation(declaration), out _, out var diagnostics, TestContext.Current.CancellationToken);
            Assert.Empty(diagnostics);
            var generated = Assert.Single(Assert.Single(driver.GetRunResult().Results).GeneratedSources);
            return (generated.HintName, generated.SourceText.ToString());
        }

        private static string WithPlaceholder(string source)
        {
            string version = typeof(CSharpEmitter).Assembly.GetName().Version!.ToString();
            string attribute = $"GeneratedCode(\"Bitsmith\", \"{version}\")";
            Assert.Contains(attribute, source);
            return source.Replace(attribute, $"GeneratedCode(\"Bitsmith\", \"{VersionPlaceholder}\")");
        }

        private static T Under<T>(CultureInfo culture, Func<T> action)
        {
            var thread = Thread.CurrentThread;
            var (oldCulture, oldUi) = (thread.CurrentCulture, thread.CurrentUICulture);
            thread.CurrentCulture = culture;
            thread.CurrentUICulture = culture;
            try
            {
                return action();
            }
            finally
            {
                thread.CurrentCulture = oldCulture;
                thread.CurrentUICulture = oldUi;
            }
        }
    }
}
