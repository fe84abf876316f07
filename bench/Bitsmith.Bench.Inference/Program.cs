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
            var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10);
            var config = DefaultConfig.Instance.AddJob(job).WithArtifactsPath(Path.Combine(Path.GetTempPath(), "bitsmith-bench-inference"));
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
            return 0;
        }
    }
}
