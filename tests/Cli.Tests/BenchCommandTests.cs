using System.Globalization;
using System.Linq;
using Xunit;

namespace Bitsmith.Cli.Tests
{
    /// <summary><c>bench</c> on the shipped model, briefly: both contenders timed on two threads, the results on stdout only.</summary>
    public class BenchCommandTests
    {
        [Fact]
        public void TimesTheGeneratedCodeAndOnnxRuntime()
        {
            var run = CliRun.Of("bench", Repo.FashionModel, "--seconds", "0.2", "--threads", "2");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("bench fashion-mixed.onnx: batch 1, 0.2 s each", run.Out);
            foreach (var name in new[] { "Bitsmith (2 threads)", "ONNX Runtime (2 threads)" })
            {
                var cells = run.Out.Split('\n').Single(l => l.TrimStart().StartsWith(name, System.StringComparison.Ordinal))
                    .Substring(name.Length + 2).Split(' ', System.StringSplitOptions.RemoveEmptyEntries);
                double median = double.Parse(cells[0], CultureInfo.InvariantCulture), p90 = double.Parse(cells[1], CultureInfo.InvariantCulture);
                Assert.True(median > 0 && p90 >= median, run.Out);
                Assert.True(int.Parse(cells[2], CultureInfo.InvariantCulture) >= 10, run.Out);
            }
            Assert.Contains("Bitsmith's median is ", run.Out);
            Assert.DoesNotContain("%", run.Out);
        }
    }
}
