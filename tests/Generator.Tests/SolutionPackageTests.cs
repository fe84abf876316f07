using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using Bitsmith.Compiler.Import;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// The package set a user gets from <c>dotnet pack Compiler.sln -o feed</c>: exactly Bitsmith,
    /// Bitsmith.Training and the Bitsmith.Cli tool, at one version; a brand-new app trains and
    /// exports from the Bitsmith.Training package; the tool installs from the feed and runs.
    /// </summary>
    [Collection(BuildProcessCollection.Name)]
    public sealed class SolutionPackageTests : IClassFixture<PackedSolution>, IDisposable
    {
        private readonly PackedSolution _packed;
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "bitsmith-package-" + Guid.NewGuid().ToString("N"));

        public SolutionPackageTests(PackedSolution packed)
        {
            _packed = packed;
            Directory.CreateDirectory(_dir);
        }

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        [Fact]
        public void PackingTheSolutionWritesExactlyTheThreePackagesAtOneVersion()
        {
            Assert.Equal(new[] { "Bitsmith", "Bitsmith.Cli", "Bitsmith.Training" }, _packed.PackageIds);
            foreach (var id in _packed.PackageIds)
            {
                var nuspec = Nuspec(id);
                Assert.Equal(id, Metadata(nuspec, "id"));
                Assert.Equal(_packed.Version, Metadata(nuspec, "version"));
            }
        }

        [Fact]
        public void TheTrainingPackageCarriesTheCompilerAndTheDebianFixAndDependsOnTorchSharpNotLibTorch()
        {
            var nuspec = Nuspec("Bitsmith.Training");
            var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).OrderBy(x => x, StringComparer.Ordinal);
            Assert.Equal(new[] { "Google.Protobuf", "TorchSharp" }, dependencies);
            var files = Entries("Bitsmith.Training");
            foreach (var folder in new[] { "build", "buildTransitive" })
                foreach (var file in new[] { "Bitsmith.Training.targets", "TorchSharpNative.targets", "ElfVersionNeedPatcher.cs" })
                    Assert.Contains($"{folder}/{file}", files);
            Assert.Contains("lib/net10.0/Bitsmith.Training.dll", files);
            Assert.Contains("lib/net10.0/Bitsmith.Compiler.dll", files);
        }

        [Fact]
        public void TheCliPackageIsTheBitsmithTool()
        {
            var files = Entries("Bitsmith.Cli");
            Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", files);
            Assert.DoesNotContain(files, f => f.Contains("runtimes/android/", StringComparison.Ordinal) || f.Contains("runtimes/ios/", StringComparison.Ordinal));
            using var zip = ZipFile.OpenRead(_packed.Package("Bitsmith.Cli"));
            using var settings = zip.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open();
            var command = XDocument.Load(settings).Descendants("Command").Single();
            Assert.Equal("bitsmith", (string)command.Attribute("Name")!);
            Assert.Equal("bitsmith.dll", (string)command.Attribute("EntryPoint")!);
            Assert.Contains(Nuspec("Bitsmith.Cli").Descendants().Where(e => e.Name.LocalName == "packageType"), e => (string)e.Attribute("name")! == "DotnetTool");
        }

        [Fact]
        public void TheToolInstallsFromTheFeedAndRuns()
        {
            string tools = Path.Combine(_dir, "tools");
            DotnetProcess.Run(_dir, $"tool install --tool-path \"{tools}\" --add-source \"{_packed.Feed}\" Bitsmith.Cli --version {_packed.Version}");
            string bitsmith = Path.Combine(tools, "bitsmith");
            var help = Run(bitsmith, "--help");
            Assert.True(help.ExitCode == 0, help.Output);
            foreach (var command in new[] { "inspect", "report", "compile", "verify", "bench" })
                Assert.Contains(command, help.Output);

            // A command that needs the tool's native and Roslyn dependencies, from where the tool was installed.
            string model = Path.Combine(GeneratorHarness.RepositoryRoot, "samples", "models", "fashion-mixed.onnx");
            var verify = Run(bitsmith, $"verify \"{model}\" --cases 2");
            Assert.True(verify.ExitCode == 0, verify.Output);
            Assert.Contains("OK: every output within tolerance", verify.Output);
        }

        [Fact]
        public void AFreshAppTrainsAndExportsFromTheTrainingPackage()
        {
            string app = Path.Combine(_dir, "app");
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{_packed.Feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
                  </packageSources>
                </configuration>
                """);
            // Its own package folder (outside the project folder, whose **/*.cs the SDK compiles) for
            // the packages of this feed; TorchSharp and LibTorch (600 MB unpacked) are read from the
            // global folder the repository's build restored.
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <RestorePackagesPath>{ScratchProject.Escape(Path.Combine(_dir, "packages"))}</RestorePackagesPath>
                    <RestoreFallbackFolders>{ScratchProject.Escape(PackedSolution.NuGetPackageRoot)}</RestoreFallbackFolders>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Bitsmith.Training" Version="{_packed.Version}" />
                    <PackageReference Include="libtorch-cpu-linux-x64" Version="{PackedSolution.CentralVersion("libtorch-cpu-linux-x64")}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using Bitsmith.Training;
                using Bitsmith.Training.Export;
                using Bitsmith.Training.Model;
                using TorchSharp;
                using static TorchSharp.torch;

                torch.manual_seed(1);
                var net = Layers.Sequential(
                    Layers.Quantize(Quant.LsqPlus(4, QuantTarget.Activations)),
                    Layers.Conv2d(1, 8, 3, padding: 1, weightQuantizer: Quant.LsqPlus(4, QuantTarget.Weights)),
                    Layers.BatchNorm2d(8), Layers.ReLU(), Layers.MaxPool2d(2),
                    Layers.GlobalAvgPool(), Layers.Flatten(),
                    Layers.Quantize(Quant.LsqPlus(4, QuantTarget.Activations)),
                    Layers.Linear(8, 4, weightQuantizer: Quant.LsqPlus(4, QuantTarget.Weights)));
                net.train();
                using var optimizer = optim.Adam(net.parameters(), lr: 0.01);
                for (int step = 0; step < 5; step++)
                {
                    using var scope = NewDisposeScope();
                    var x = rand(16, 1, 8, 8);
                    var labels = nn.functional.avg_pool2d(x, new long[] { 4, 4 }).flatten(1).argmax(1);
                    optimizer.zero_grad();
                    var loss = nn.functional.cross_entropy(net.forward(x), labels);
                    loss.backward();
                    optimizer.step();
                    System.Console.WriteLine($"step {step} loss {loss.item<float>():F4}");
                }
                net.eval();
                net.RoundOffsetsToStep();
                OnnxExporter.Save(net, args[0], 1, 8, 8);
                System.Console.WriteLine("exported " + new System.IO.FileInfo(args[0]).Length + " bytes");
                """);

            DotnetProcess.Run(app, "build");
            string onnx = Path.Combine(_dir, "trained.onnx");
            string output = DotnetProcess.Run(app, $"run --no-build -- \"{onnx}\"");
            Assert.Contains("step 4 loss ", output);
            Assert.Contains("exported ", output);
            // The app's output holds the patched native glue the package's build step made (Debian 12).
            Assert.True(File.Exists(Path.Combine(app, "obj", "Debug", "net10.0", "bitsmith-native", "libLibTorchSharp.so")), "the Bitsmith.Training build step ran");

            var graph = OnnxImporter.Load(onnx);
            Assert.Contains(graph.Nodes, n => n.OpType == "Conv");
            Assert.Contains(graph.Nodes, n => n.OpType == "QuantizeLinear");
            Assert.Equal(new[] { 1, 1, 8, 8 }, graph.Inputs.Single().Shape);
        }

        private XDocument Nuspec(string id)
        {
            using var zip = ZipFile.OpenRead(_packed.Package(id));
            using var stream = zip.Entries.Single(e => e.FullName == id + ".nuspec").Open();
            return XDocument.Load(stream);
        }

        private static string? Metadata(XDocument nuspec, string name) =>
            nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata").Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        private string[] Entries(string id)
        {
            using var zip = ZipFile.OpenRead(_packed.Package(id));
            return zip.Entries.Select(e => e.FullName).ToArray();
        }

        private (int ExitCode, string Output) Run(string file, string arguments)
        {
            var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.Result);
        }
    }
}
