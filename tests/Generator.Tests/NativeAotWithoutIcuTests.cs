using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// An edge device without libicu, made here as a chroot holding only the NativeAOT binary and
    /// the C libraries it links (about 50 s: two publishes). NativeAOT looks a manifest resource up
    /// through the assembly's name, whose culture loads ICU, so the weights cannot be read without
    /// globalization: published as is, the app aborts at its first Run, and the build says so
    /// (BSM0101); published with InvariantGlobalization, as the warning advises, it runs.
    /// </summary>
    [Collection(BuildProcessCollection.Name)]
    public sealed class NativeAotWithoutIcuTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "bitsmith-noicu-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_dir))
                Directory.Delete(_dir, recursive: true);
        }

        [Fact]
        public void RunWorksWithoutIcuWhenTheBuildsAdviceIsTaken()
        {
            Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/usr/sbin/chroot"), "needs Linux and chroot");
            string app = Path.Combine(_dir, "app");
            Directory.CreateDirectory(Path.Combine(app, "models"));
            File.Copy(Path.Combine(GeneratorHarness.RepositoryRoot, "samples", "models", "demo-qdq-cnn.onnx"), Path.Combine(app, "models", "demo.onnx"));
            ScratchProject.Write(app, """<BitsmithModel Include="models/demo.onnx" />""", "<IlcInstructionSet>x86-64-v3</IlcInstructionSet>");
            // No Console: writing to it initialises globalization as well. The exit code says how far it got.
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                var x = new float[Net.ImageLength];
                for (int i = 0; i < x.Length; i++) x[i] = (i % 7) / 7f;
                var y = new float[Net.LogitsLength];
                Net.Run(x, y);
                return System.Array.TrueForAll(y, float.IsFinite) ? 42 : 1;

                [Bitsmith.CompiledModel("models/demo.onnx")] internal static partial class Net;
                """);

            string plain = Publish(app, "plain", "");
            Assert.Matches(new Regex(@"warning BSM0101: PublishAot is set without InvariantGlobalization"), plain);
            var (code, output) = RunWithoutIcu(Path.Combine(_dir, "plain", "App"));
            Assert.Equal(134, code);
            Assert.Contains("Couldn't find a valid ICU package", output);

            string invariant = Publish(app, "invariant", "-p:InvariantGlobalization=true");
            Assert.DoesNotContain("BSM0101", invariant);
            Assert.Equal((42, ""), RunWithoutIcu(Path.Combine(_dir, "invariant", "App")));
        }

        private string Publish(string app, string output, string properties) =>
            DotnetProcess.Run(app, $"publish -c Release -r linux-x64 -p:PublishAot=true {properties} -o \"{Path.Combine(_dir, output)}\" -v:n");

        /// <summary>Runs the binary in a new root holding it, libc, libm and the loader: no libicu anywhere.</summary>
        private (int Code, string Output) RunWithoutIcu(string binary)
        {
            string root = Path.Combine(_dir, "root-" + Path.GetFileName(Path.GetDirectoryName(binary)));
            Directory.CreateDirectory(root);
            File.Copy(binary, Path.Combine(root, "App"));
            foreach (string library in Libraries(binary))
            {
                string target = Path.Combine(root, library.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(library, target, overwrite: true);
            }
            Assert.Empty(Directory.GetFiles(root, "libicu*", SearchOption.AllDirectories));
            // As root, chroot; otherwise in a user namespace where this user is root.
            var start = Environment.UserName == "root"
                ? new ProcessStartInfo("chroot", $"\"{root}\" /App")
                : new ProcessStartInfo("unshare", $"-r chroot \"{root}\" /App");
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.Result);
        }

        /// <summary>The shared libraries ldd resolves for the binary (the vDSO has no file).</summary>
        private static string[] Libraries(string binary)
        {
            using var process = Process.Start(new ProcessStartInfo("ldd", $"\"{binary}\"") { RedirectStandardOutput = true })!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return Regex.Matches(output, @"(/[^\s]+) \(0x").Select(m => m.Groups[1].Value).ToArray();
        }
    }
}
