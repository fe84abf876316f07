using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Bitsmith.Generator.Tests;
using Xunit;

namespace Bitsmith.Cli.Tests
{
    /// <summary><c>compile</c>: the files it writes, and a brand-new app built from them as the command says, whose output equals the interpreter's.</summary>
    public sealed class CompileCommandTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory("bitsmith-cli-compile");

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void WritesTheClassAndTheWeightsNamedAsAsked()
        {
            string output = Path.Combine(_dir.Path, "gen");
            var run = CliRun.Of("compile", Repo.FashionModel, "-o", output, "--class", "FashionNet", "--namespace", "Demo.Models");
            Assert.True(run.ExitCode == 0, run.ToString());
            string source = File.ReadAllText(Path.Combine(output, "FashionNet.cs"));
            Assert.Contains("namespace Demo.Models", source);
            Assert.Contains("public static partial class FashionNet", source);
            Assert.Contains("\"Demo.Models.FashionNet.weights\"", source);
            Assert.True(new FileInfo(Path.Combine(output, "FashionNet.weights")).Length > 32252);
            Assert.Contains($"<EmbeddedResource Include=\"{Path.Combine(output, "FashionNet.weights")}\" LogicalName=\"Demo.Models.FashionNet.weights\" />", run.Out);
        }

        [Fact]
        public void DefaultClassIsTheFileNameInPascalCaseInTheGlobalNamespace()
        {
            var run = CliRun.Of("compile", Repo.FashionModel, "-o", _dir.Path);
            Assert.True(run.ExitCode == 0, run.ToString());
            string source = File.ReadAllText(Path.Combine(_dir.Path, "FashionMixed.cs"));
            Assert.DoesNotContain("namespace ", source.Split('\n').First(l => l.Contains("static partial class")));
            Assert.Contains("\"FashionMixed.weights\"", source);
        }

        [Theory]
        [InlineData("--class", "1st")]
        [InlineData("--namespace", "My..App")]
        public void AnInvalidNameIsAnError(string option, string value)
        {
            var run = CliRun.Of("compile", Repo.FashionModel, "-o", _dir.Path, option, value);
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains($"'{value}' is not a valid C#", Assert.Single(run.ErrorLines));
        }

        [Fact]
        public void AFreshAppBuiltFromTheOutputComputesWhatTheInterpreterDoes()
        {
            string app = Path.Combine(_dir.Path, "app");
            Directory.CreateDirectory(app);
            var run = CliRun.Of("compile", Repo.FashionModel, "-o", Path.Combine(app, "model"), "--class", "FashionNet", "--namespace", "Demo.Models");
            Assert.True(run.ExitCode == 0, run.ToString());
            // The project as the command told us to write it: its EmbeddedResource line, and the runtime (here the built assembly, as the Bitsmith package's lib).
            string resource = run.Out.Split('\n').Single(l => l.Contains("<EmbeddedResource")).Trim();
            string runtime = Path.Combine(Repo.Root, "runtime", "bin", Repo.Configuration, "net10.0", "Bitsmith.Runtime.dll");
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    {resource}
                    <Reference Include="{runtime}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using System;
                using System.IO;
                using System.Runtime.InteropServices;

                var input = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(args[0])).ToArray();
                var output = new float[Demo.Models.FashionNet.OutputLength];
                Demo.Models.FashionNet.Run(input, output);
                File.WriteAllBytes(args[1], MemoryMarshal.AsBytes(output.AsSpan()).ToArray());
                Console.WriteLine("ran " + output.Length);
                """);

            var random = new Random(5);
            var input = Enumerable.Range(0, 28 * 28).Select(_ => (float)random.NextDouble()).ToArray();
            string inputFile = Path.Combine(_dir.Path, "input.bin"), outputFile = Path.Combine(_dir.Path, "output.bin");
            File.WriteAllBytes(inputFile, input.SelectMany(BitConverter.GetBytes).ToArray());

            DotnetProcess.Run(app, "build -c Release");
            string ran = DotnetProcess.Run(app, $"run -c Release --no-build -- \"{inputFile}\" \"{outputFile}\"");
            Assert.Contains("ran 10", ran);
            var bytes = File.ReadAllBytes(outputFile);
            var actual = Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, i * 4)).ToArray();

            var graph = OnnxImporter.Load(Repo.FashionModel);
            Pipeline.Run(graph);
            var expected = ReferenceInterpreter.Run(graph, new Dictionary<string, Tensor> { ["input"] = Tensor.FromFloats(new[] { 1, 1, 28, 28 }, input) })["output"].Floats;
            Assert.Equal(expected, actual);
            Assert.Contains(actual, v => v != 0);
        }
    }
}
