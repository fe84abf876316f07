using System;
using System.IO;
using System.Reflection;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// What a user does: the packed Bitsmith package in a local feed, a brand-new console app
    /// with only the PackageReference, a BitsmithModel item and the attribute; build, run, and a
    /// second build that must not compile the model again.
    /// </summary>
    [Collection(BuildProcessCollection.Name)]
    public sealed class PackageConsumerTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "bitsmith-consumer-" + Guid.NewGuid().ToString("N"));

        public PackageConsumerTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        [Fact]
        public void FreshAppBuildsRunsAndRebuildsWithoutRecompilingTheModel()
        {
            string root = GeneratorHarness.RepositoryRoot;
            string configuration = typeof(PackageConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            string feed = Path.Combine(_dir, "feed"), app = Path.Combine(_dir, "app");
            // The solution build has built the package's projects; --no-build packs those outputs.
            Dotnet(root, $"pack generator/Bitsmith.Package -c {configuration} --no-build -o \"{feed}\"");

            Directory.CreateDirectory(app);
            File.Copy(Path.Combine(root, "samples", "models", "demo-qdq-cnn.onnx"), Path.Combine(app, "fashion.onnx"));
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            // Its own package folder: a global cache could hold an older package of the same version.
            File.WriteAllText(Path.Combine(app, "App.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <RestorePackagesPath>packages</RestorePackagesPath>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Bitsmith" Version="0.1.0" />
                    <BitsmithModel Include="fashion.onnx" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                var input = new float[FashionNet.ImageLength];
                for (int i = 0; i < input.Length; i++) input[i] = (i % 7) / 7f;
                var output = new float[FashionNet.LogitsLength];
                FashionNet.Run(input, output);
                System.Console.WriteLine($"outputs {output.Length} weights {FashionNet.WeightBytes}");
                System.Console.WriteLine("finite " + System.Array.TrueForAll(output, float.IsFinite));

                [Bitsmith.CompiledModel("fashion.onnx")]
                public static partial class FashionNet;
                """);

            string first = Dotnet(app, "build -v:n");
            Assert.Contains("Bitsmith: compiled", first);

            string run = Dotnet(app, "run --no-build");
            Assert.Contains("outputs 10 weights ", run);
            Assert.Contains("finite True", run);

            string second = Dotnet(app, "build -v:n");
            Assert.DoesNotContain("Bitsmith: compiled", second);
            Assert.Contains("Skipping target \"BitsmithCompileModels\"", second);
        }

        private static string Dotnet(string directory, string arguments) => DotnetProcess.Run(directory, arguments);
    }
}
