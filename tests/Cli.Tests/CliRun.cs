using System.IO;
using System.Linq;
using System.Reflection;

namespace Bitsmith.Cli.Tests
{
    /// <summary>One run of the <c>bitsmith</c> command in process: its exit code and what it wrote.</summary>
    internal sealed record CliRun(int ExitCode, string Out, string Error)
    {
        public static CliRun Of(params string[] args) => With(null, args);

        public static CliRun With(CliHooks? hooks, params string[] args)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = BitsmithCli.Run(args, stdout, stderr, hooks);
            return new CliRun(code, stdout.ToString(), stderr.ToString());
        }

        /// <summary>The lines of stderr, without the empty last one.</summary>
        public string[] ErrorLines => Error.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
    }

    /// <summary>The repository's files the tests read.</summary>
    internal static class Repo
    {
        public static string Root => Path.GetFullPath(typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

        public static string Configuration => typeof(Repo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

        /// <summary>The shipped Fashion-MNIST model of the main sample.</summary>
        public static string FashionModel => Path.Combine(Root, "samples", "models", "fashion-mixed.onnx");

        public static string[] AllModels =>
            Directory.GetFiles(Path.Combine(Root, "samples", "models"), "*.onnx")
                .Concat(Directory.GetFiles(Path.Combine(Root, "bench", "models"), "*.onnx"))
                .OrderBy(p => p, System.StringComparer.Ordinal)
                .ToArray();
    }
}
