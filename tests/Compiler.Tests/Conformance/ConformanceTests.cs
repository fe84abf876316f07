using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Bitsmith.Compiler.Tests.Conformance
{
    /// <summary>
    /// ONNX's own backend tests through import + passes + interpreter. Writes the
    /// table to the file named by BITSMITH_CONFORMANCE_REPORT when set (docs/conformance.md
    /// says how it is regenerated).
    /// </summary>
    public class ConformanceTests
    {
        /// <summary>The floor the foundation issue set; the suite must never shrink below it.</summary>
        public const int MinimumTestsRun = 240;

        private readonly ITestOutputHelper _output;

        public ConformanceTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void EveryApplicableOnnxBackendTestPasses()
        {
            var results = ConformanceRunner.Discover(OnnxTestData.Root)
                .Select(c => ConformanceRunner.Run(c.Suite, c.Dir))
                .ToList();
            string report = ConformanceReport.Render(results);
            _output.WriteLine(report);
            string? path = Environment.GetEnvironmentVariable("BITSMITH_CONFORMANCE_REPORT");
            if (!string.IsNullOrEmpty(path))
                ConformanceReport.WriteInto(path, report);

            var failed = results.Where(r => r.Outcome == CaseOutcome.Failed).ToList();
            int run = results.Count(r => r.Outcome != CaseOutcome.NotApplicable);
            Assert.True(failed.Count == 0, "failing ONNX tests:\n" + string.Join("\n", failed.Select(f => $"{f.Suite}/{f.Name}: {f.Detail}")));
            Assert.True(run >= MinimumTestsRun, $"only {run} ONNX tests ran; at least {MinimumTestsRun} must");
        }
    }
}
