using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// The sample published with NativeAOT for the build machine's own instruction sets
    /// (<c>IlcInstructionSet=native</c>: AVX-512 where it has them, else AVX2; about 30 s here): no AOT
    /// or trimming warnings, and the native binary prints the same logits as the JIT-compiled sample.
    /// </summary>
    [Collection(BuildProcessCollection.Name)]
    public sealed class NativeAotPublishTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "bitsmith-aot-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_dir))
                Directory.Delete(_dir, recursive: true);
        }

        [Fact]
        public void SamplePublishesWithoutWarningsAndPrintsTheJitLogits()
        {
            string root = GeneratorHarness.RepositoryRoot;
            string configuration = typeof(NativeAotPublishTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            string project = Path.Combine(root, "samples", "FashionApp");
            // ILC runs only when its inputs changed: without its earlier output it runs, and warns, again.
            string nativeObj = Path.Combine(project, "obj", configuration, "net10.0", "linux-x64");
            if (Directory.Exists(nativeObj))
                Directory.Delete(nativeObj, recursive: true);

            string publish = DotnetProcess.Run(project,
                $"publish -c {configuration} -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=native -o \"{_dir}\" -v:n");
            var warnings = Regex.Matches(publish, @"warning (IL[23]\d{3}|BSM\d{4})[^\r\n]*").Select(m => m.Value).Distinct().ToList();
            Assert.True(warnings.Count == 0, string.Join("\n", warnings));
            Assert.Contains("Generating native code", publish);

            string native = Run(Path.Combine(_dir, "FashionApp"), "");
            // Not --no-build: `dotnet test` builds only the test projects and what they reference.
            string jit = DotnetProcess.Run(project, $"run -c {configuration}");
            Assert.Equal(Logits(jit), Logits(native));
            Assert.Equal(4, Logits(native).Length);
            // The threaded Run (ref structs through the runtime's generic splitter) works under NativeAOT too.
            Assert.Contains("mean latency on 2 threads: ", native);
        }

        /// <summary>The per-image lines (the latency line differs from run to run).</summary>
        private static string[] Logits(string output) =>
            output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("image ", StringComparison.Ordinal)).ToArray();

        private static string Run(string file, string arguments)
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true })!;
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{file} failed ({process.ExitCode}):\n{stdout}");
            return stdout;
        }
    }
}
