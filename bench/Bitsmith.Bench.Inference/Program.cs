using System.IO;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Bitsmith.Bench.Inference
{
    /// <summary>BenchmarkDotNet in process (no benchmark project to build per run on a 2-core machine). See docs/benchmarks.md.</summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "ratios")
            {
                // ratios [seconds] [model ...]: the interleaved quick check (InterleavedRatios).
                double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
                string[] models = args.Length > 2 ? args[2..] : EndToEndBenchmarks.Models;
                InterleavedRatios.Run(models, seconds);
                return 0;
            }
            var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10);
            var config = DefaultConfig.Instance.AddJob(job).WithArtifactsPath(Path.Combine(Path.GetTempPath(), "bitsmith-bench-inference"));
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
            return 0;
        }
    }
}
