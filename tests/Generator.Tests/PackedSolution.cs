using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// The solution packed once for <see cref="SolutionPackageTests"/>, as a user would pack it
    /// (<c>dotnet pack Compiler.sln -o feed</c>, here from the outputs the solution build made) into a
    /// fresh temp folder. The version is the repository's with a unique pre-release label, so no
    /// package cache can hold an older package of that version.
    /// </summary>
    public sealed class PackedSolution : IDisposable
    {
        public PackedSolution()
        {
            Directory.CreateDirectory(Root);
            Version = RepositoryVersion() + "-test" + Guid.NewGuid().ToString("N").Substring(0, 12);
            DotnetProcess.Run(GeneratorHarness.RepositoryRoot,
                $"pack Compiler.sln -c {ScratchProject.Configuration} --no-build -o \"{Feed}\" -p:Version={Version}");
        }

        public string Root { get; } = Path.Combine(Path.GetTempPath(), "bitsmith-packed-" + Guid.NewGuid().ToString("N"));

        public string Feed => Path.Combine(Root, "feed");

        public string Version { get; }

        /// <summary>The ids of the packages in the feed (file names less the version and extension).</summary>
        public string[] PackageIds =>
            Directory.GetFiles(Feed, "*.nupkg").Select(Path.GetFileName)
                .Select(f => f!.EndsWith("." + Version + ".nupkg", StringComparison.Ordinal) ? f.Substring(0, f.Length - Version.Length - ".nupkg".Length - 1) : "(other version) " + f)
                .OrderBy(id => id, StringComparer.Ordinal)
                .ToArray();

        public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

        /// <summary>The global package folder the build restored into (TorchSharp and LibTorch are there).</summary>
        public static string NuGetPackageRoot =>
            typeof(PackedSolution).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;

        /// <summary>The one version of Directory.Build.props.</summary>
        public static string RepositoryVersion() =>
            System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(GeneratorHarness.RepositoryRoot, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;

        /// <summary>A package's version in Directory.Packages.props.</summary>
        public static string CentralVersion(string id) =>
            System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(GeneratorHarness.RepositoryRoot, "Directory.Packages.props")),
                $"<PackageVersion Include=\"{System.Text.RegularExpressions.Regex.Escape(id)}\" Version=\"([^\"]+)\"").Groups[1].Value;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
