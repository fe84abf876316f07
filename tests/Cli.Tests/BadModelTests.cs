using System.Collections.Generic;
using System.IO;
using Xunit;

namespace Bitsmith.Cli.Tests
{
    /// <summary>Every command on a corrupt model file and on a missing one: exit 1 and one line <c>bitsmith: error: FILE: problem</c>.</summary>
    public sealed class BadModelTests : System.IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory("bitsmith-cli-bad");

        public void Dispose() => _dir.Dispose();

        public static TheoryData<string> Commands => new TheoryData<string> { "inspect", "report", "compile", "verify", "bench" };

        private string[] Args(string command, string model)
        {
            var args = new List<string> { command, model };
            if (command == "compile")
                args.AddRange(new[] { "-o", Path.Combine(_dir.Path, "out") });
            if (command == "bench")
                args.AddRange(new[] { "--seconds", "0.1" });
            return args.ToArray();
        }

        [Theory]
        [MemberData(nameof(Commands))]
        public void CorruptFileIsOneErrorLineAndExitOne(string command)
        {
            string model = _dir.CorruptModel();
            var run = CliRun.Of(Args(command, model));
            Assert.True(run.ExitCode == 1, run.ToString());
            var line = Assert.Single(run.ErrorLines);
            Assert.StartsWith("bitsmith: error: " + model + ": ", line);
            Assert.Contains("not a valid ONNX file", line);
            Assert.False(Directory.Exists(Path.Combine(_dir.Path, "out")) && Directory.GetFiles(Path.Combine(_dir.Path, "out")).Length > 0, "nothing is written for a bad model");
        }

        [Theory]
        [MemberData(nameof(Commands))]
        public void MissingFileIsOneErrorLineAndExitOne(string command)
        {
            string model = Path.Combine(_dir.Path, "absent.onnx");
            var run = CliRun.Of(Args(command, model));
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Equal($"bitsmith: error: {model}: no such file", Assert.Single(run.ErrorLines));
        }
    }
}
