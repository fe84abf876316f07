using System.Linq;
using Xunit;

namespace Bitsmith.Cli.Tests
{
    /// <summary><c>inspect</c> on the shipped model: the graph after the passes, or as imported with <c>--raw</c>.</summary>
    public class InspectCommandTests
    {
        [Fact]
        public void PrintsThePortsNodesAndQuantisationAfterThePasses()
        {
            var run = CliRun.Of("inspect", Repo.FashionModel);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("input %input: f32[1,1,28,28]", run.Out);
            Assert.Contains("= Conv(", run.Out);
            Assert.Contains("bits=4", run.Out);
            Assert.Empty(run.Error);
        }

        [Fact]
        public void RawIsTheGraphBeforeThePasses()
        {
            var passes = CliRun.Of("inspect", Repo.FashionModel).Out;
            var raw = CliRun.Of("inspect", Repo.FashionModel, "--raw").Out;
            // As imported, the weights are dequantised by DequantizeLinear nodes that the passes fold into the layers.
            int Count(string text, string what) => text.Split('\n').Count(l => l.Contains(what));
            Assert.True(Count(raw, "DequantizeLinear(") > Count(passes, "DequantizeLinear("), raw + "\n----\n" + passes);
        }

        [Fact]
        public void BatchSizeReachesTheShapes()
        {
            var run = CliRun.Of("inspect", Repo.FashionModel, "--batch", "3");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("input %input: f32[3,1,28,28]", run.Out);
        }
    }
}
