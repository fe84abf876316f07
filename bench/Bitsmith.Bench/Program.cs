using System;
using System.IO;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Bitsmith.Bench
{
    /// <summary>
    /// "builds": whole-process dotnet builds of small apps (BuildHarness); "layers": writes the
    /// one-layer models of the kernel benchmarks (LayerModels); anything else goes to
    /// BenchmarkDotNet (the in-process task and generator benchmarks). See docs/benchmarks.md.
    /// </summary>
    public static class Program
    {
        public static string RepositoryRoot => Path.GetFullPath(typeof(Program).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "builds")
                return BuildHarness.Run(args.Skip(1).ToArray());
            if (args.Length > 0 && args[0] == "layers")
                return LayerModels.Write(args.Length > 1 ? args[1] : Path.Combine(RepositoryRoot, "bench", "models", "layers"));

            // In process: no generated benchmark project to build per run on a 2-core machine.
            var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5);
            var config = DefaultConfig.Instance.AddJob(job)
                .WithArtifactsPath(Path.Combine(RepositoryRoot, "bench", "artifacts"));
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
            return 0;
        }
    }
}
