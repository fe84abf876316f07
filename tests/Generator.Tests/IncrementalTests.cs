using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>The pipeline caches: an edit that changes neither the model classes nor the plans must not re-emit a model.</summary>
    public class IncrementalTests
    {
        private const string DemoClass = """
            [Bitsmith.CompiledModel("models/demo.onnx")]
            public static partial class DemoNet;
            """;

        [Fact]
        public void UnrelatedEditLeavesModelOutputCached()
        {
            var compilation = GeneratorHarness.Compilation(DemoClass, "public static class Other { public static int A => 1; }");
            var driver = GeneratorHarness.Driver(("models/demo.onnx", GeneratorHarness.DemoPlan));
            driver = driver.RunGenerators(compilation, TestContext.Current.CancellationToken);
            var first = driver.GetRunResult().Results.Single();
            Assert.All(first.TrackedSteps[TrackingNames.ModelSource].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.New, o.Reason));

            var other = compilation.SyntaxTrees.Last();
            var edited = compilation.ReplaceSyntaxTree(other, other.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
                "public static class Other { public static int A => 2; public static int B => 3; }")));
            driver = driver.RunGenerators(edited, TestContext.Current.CancellationToken);
            var second = driver.GetRunResult().Results.Single();

            AssertCachedOrUnchanged(second, TrackingNames.ModelClass);
            AssertCachedOrUnchanged(second, TrackingNames.PlanFile);
            AssertCachedOrUnchanged(second, TrackingNames.Match);
            AssertCachedOrUnchanged(second, TrackingNames.ModelSource);
            Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
                o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output step ran: {o.Reason}"));
        }

        [Fact]
        public void ChangedPlanReEmitsTheModel()
        {
            var compilation = GeneratorHarness.Compilation(DemoClass);
            var driver = GeneratorHarness.Driver(out var planFiles, ("models/demo.onnx", GeneratorHarness.DemoPlan)).RunGenerators(compilation, TestContext.Current.CancellationToken);
            var old = driver.GetRunResult().Results.Single().GeneratedSources.Single();

            var plan = planFiles.Single();
            driver = driver.ReplaceAdditionalText(plan, new TestAdditionalText(plan.Path, GeneratorHarness.PlanFile("models/demo.onnx", GeneratorHarness.DemoPlan.Replace("demo_qdq_cnn", "renamed_model"))));
            driver = driver.RunGenerators(compilation, TestContext.Current.CancellationToken);
            var result = driver.GetRunResult().Results.Single();

            Assert.Contains(result.TrackedSteps[TrackingNames.ModelSource].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
            Assert.NotEqual(old.SourceText.ToString(), result.GeneratedSources.Single().SourceText.ToString());
        }

        private static void AssertCachedOrUnchanged(GeneratorRunResult result, string step)
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} ran again: {o.Reason}"));
        }
    }
}
