using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Bitsmith.Generator.Tests;

namespace Bitsmith.Bench
{
    /// <summary>
    /// Whole-process build times, as a user sees them: the repository's Bitsmith package packed
    /// into a local feed, then small console apps (the package consumer test's kind) without a
    /// model and with each benchmark model. Per app: one warm-up and Iterations clean builds
    /// (bin/ and obj/Debug/ deleted, restore state kept), then one warm-up and Iterations no-op
    /// builds. Every timed command is "dotnet build -clp:PerformanceSummary".
    /// Usage: dotnet run -c Release --project bench/Bitsmith.Bench -- builds [WORKDIR]
    /// </summary>
    public static class BuildHarness
    {
        private const int Iterations = 3;
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        public static int Run(string[] args)
        {
            string work = Path.GetFullPath(args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "bitsmith-bench-builds"));
            if (Directory.Exists(work))
                Directory.Delete(work, recursive: true);
            string feed = Path.Combine(work, "feed"), models = Path.Combine(work, "models");
            Directory.CreateDirectory(feed);
            Console.WriteLine($"work folder {work}");
            DotnetProcess.Run(RepositoryRoot, $"pack generator/Bitsmith.Package -c Release -o \"{feed}\"");
            File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);

            var rows = new List<Row> { Measure(work, "no-model", model: null) };
            foreach (var (name, _) in BenchModels.All)
                rows.Add(Measure(work, name, BenchModels.Write(models, name)));

            double baseline = Median(rows[0].Clean);
            Console.WriteLine();
            Console.WriteLine("| app | weight bytes | clean build, median (min–max) | added by the model | ratio to no-model | task (BitsmithCompileModels) | CoreCompile | no-op build, median (min–max) |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var r in rows)
            {
                double clean = Median(r.Clean);
                Console.WriteLine($"| {r.Name} | {r.WeightBytes.ToString("N0", Inv)} | {Range(r.Clean)} | {(r.Model ? S(clean - baseline) : "—")} | {(clean / baseline).ToString("F2", Inv)}× | {(r.Model ? S(Median(r.Task)) : "—")} | {S(Median(r.CoreCompile))} | {Range(r.NoOp)} |");
            }
            return 0;
        }

        private sealed record Row(string Name, bool Model, long WeightBytes, List<double> Clean, List<double> Task, List<double> CoreCompile, List<double> NoOp);

        private static string RepositoryRoot => Program.RepositoryRoot;

        private static Row Measure(string work, string name, string? model)
        {
            string app = Path.Combine(work, "apps", name);
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <RestorePackagesPath>{Path.Combine(work, "packages")}</RestorePackagesPath>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Bitsmith" Version="0.1.0" />
                    {(model != null ? $"<BitsmithModel Include=\"{model}\" />" : "")}
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), model != null ? $$"""
                var input = new float[Net.InputLength];
                for (int i = 0; i < input.Length; i++) input[i] = (i % 7) / 7f;
                var output = new float[Net.LogitsLength];
                Net.Run(input, output);
                System.Console.WriteLine($"outputs {output.Length} weights {Net.WeightBytes}");

                [Bitsmith.CompiledModel("{{model}}")]
                public static partial class Net;
                """ : """
                var input = new float[10];
                System.Console.WriteLine($"outputs {input.Length}");
                """);

            Console.WriteLine($"{name}: restore");
            DotnetProcess.Run(app, "restore");
            var clean = new List<double>();
            var task = new List<double>();
            var coreCompile = new List<double>();
            for (int i = 0; i <= Iterations; i++)
            {
                foreach (string dir in new[] { Path.Combine(app, "bin"), Path.Combine(app, "obj", "Debug") })
                    if (Directory.Exists(dir))
                        Directory.Delete(dir, recursive: true);
                var (seconds, log) = TimedBuild(app);
                if (model != null && !log.Contains("Bitsmith: compiled", StringComparison.Ordinal))
                    throw new InvalidOperationException($"{name}: a clean build did not compile the model");
                Console.WriteLine($"{name}: clean build {(i == 0 ? "(warm-up) " : "")}{S(seconds)}");
                if (i == 0)
                    continue;
                clean.Add(seconds);
                task.Add(TargetSeconds(log, "BitsmithCompileModels"));
                coreCompile.Add(TargetSeconds(log, "CoreCompile"));
            }
            DotnetProcess.Run(app, "run --no-build");
            var noOp = new List<double>();
            for (int i = 0; i <= Iterations; i++)
            {
                var (seconds, log) = TimedBuild(app);
                if (log.Contains("Bitsmith: compiled", StringComparison.Ordinal))
                    throw new InvalidOperationException($"{name}: a no-op build compiled the model again");
                Console.WriteLine($"{name}: no-op build {(i == 0 ? "(warm-up) " : "")}{S(seconds)}");
                if (i > 0)
                    noOp.Add(seconds);
            }
            long weightBytes = model == null ? 0 : new FileInfo(Path.Combine(app, "obj", "Debug", "net10.0", "bitsmith", Path.GetFileNameWithoutExtension(model) + ".weights")).Length;
            return new Row(name, model != null, weightBytes, clean, task, coreCompile, noOp);
        }

        private static (double Seconds, string Log) TimedBuild(string app)
        {
            var watch = Stopwatch.StartNew();
            string log = DotnetProcess.Run(app, "build -clp:PerformanceSummary");
            return (watch.Elapsed.TotalSeconds, log);
        }

        /// <summary>A target's total from MSBuild's "Target Performance Summary" (0 when it did not run).</summary>
        private static double TargetSeconds(string log, string target)
        {
            var m = Regex.Match(log, @"^\s*(\d+) ms\s+" + target + @"\s+\d+ calls", RegexOptions.Multiline);
            return m.Success ? double.Parse(m.Groups[1].Value, Inv) / 1000 : 0;
        }

        private static double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }

        private static string Range(List<double> values) => $"{S(Median(values))} ({S(values.Min())}–{S(values.Max())})";

        private static string S(double seconds) => seconds.ToString("F2", Inv) + " s";
    }
}
