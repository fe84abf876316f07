using Xunit;

namespace Bitsmith.Cli.Tests
{
    /// <summary>--help on every command (exit 0), and wrong command lines (exit 2, what is wrong on stderr, nothing run).</summary>
    public class UsageTests
    {
        public static TheoryData<string> Commands => new TheoryData<string> { "inspect", "report", "compile", "verify", "bench" };

        [Fact]
        public void RootHelpListsEveryCommand()
        {
            var run = CliRun.Of("--help");
            Assert.True(run.ExitCode == 0, run.ToString());
            foreach (var command in Commands)
                Assert.Matches(@"\n  ([a-z]+, )?" + command + @"(, [a-z]+)? <MODEL>", run.Out);
        }

        [Theory]
        [MemberData(nameof(Commands))]
        public void EveryCommandHasHelp(string command)
        {
            var run = CliRun.Of(command, "--help");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains($"bitsmith {command} <MODEL> [options]", run.Out);
            Assert.Contains("--batch", run.Out);
            Assert.Empty(run.Error);
        }

        [Fact]
        public void CompileHelpSaysWhatToAddToTheProject()
        {
            var run = CliRun.Of("compile", "--help");
            Assert.Contains("EmbeddedResource", run.Out);
            Assert.Contains("LogicalName", run.Out);
            Assert.Contains("<PackageReference Include=\"Bitsmith\"", run.Out);
        }

        [Fact]
        public void BenchHelpSaysHowTheGeneratedCodeUsesThreads()
        {
            var run = CliRun.Of("bench", "--help");
            Assert.Contains("LayerThreads", run.Out);
        }

        [Theory]
        [InlineData(new string[0], "Required command was not provided")]
        [InlineData(new[] { "frobnicate", "m.onnx" }, "frobnicate")]
        [InlineData(new[] { "inspect" }, "MODEL")]
        [InlineData(new[] { "inspect", "m.onnx", "--bogus" }, "--bogus")]
        [InlineData(new[] { "inspect", "m.onnx", "--batch", "0" }, "--batch must be a positive integer")]
        [InlineData(new[] { "inspect", "m.onnx", "--batch", "two" }, "two")]
        [InlineData(new[] { "report", "m.onnx", "--format", "xml" }, "xml")]
        [InlineData(new[] { "compile", "m.onnx" }, "--output")]
        [InlineData(new[] { "verify", "m.onnx", "--cases", "0" }, "--cases must be a positive integer")]
        [InlineData(new[] { "bench", "m.onnx", "--threads", "0" }, "--threads must be a positive integer")]
        [InlineData(new[] { "bench", "m.onnx", "--threads", "65" }, "--threads must be at most 64")]
        [InlineData(new[] { "bench", "m.onnx", "--seconds", "-1" }, "--seconds must be more than 0")]
        public void BadUsageExitsWithTwoAndSaysWhy(string[] args, string named)
        {
            var run = CliRun.Of(args);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.StartsWith("bitsmith: usage error: ", run.Error);
            Assert.Contains(named, run.Error);
            Assert.Contains("--help", run.Error);
            Assert.Empty(run.Out);
        }

        [Fact]
        public void OldCommandNamesStillWork()
        {
            Assert.Equal(0, CliRun.Of("dump", Repo.FashionModel).ExitCode);
            var summary = CliRun.Of("summary", Repo.FashionModel);
            Assert.Equal(0, summary.ExitCode);
            Assert.Contains("| node | op |", summary.Out);
        }
    }
}
