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
            if (args.Length > 0 && args[0] == "lowbit-ratios")
            {
                // lowbit-ratios [seconds]: each low-bit model against its int8 twin, in alternation (LowBitRatios).
                LowBitRatios.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4);
                return 0;
            }
            if (args.Length > 0 && args[0] == "chart")
            {
                // chart CSV PNG: the peers chart from the CSV that an end-to-end run writes (PeersChart).
                if (args.Length != 3)
                {
                    System.Console.Error.WriteLine("usage: Bitsmith.Bench.Inference chart RESULTS.csv CHART.png");
                    return 2;
                }
                PeersChart.Draw(args[1], args[2]);
                return 0;
            }
            var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10);
            string artifacts = Path.Combine(Path.GetTempPath(), "bitsmith-bench-inference");
            var config = DefaultConfig.Instance.AddJob(job).WithArtifactsPath(artifacts);
            var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
            string command = "dotnet run -c Release --no-build --project bench/Bitsmith.Bench.Inference -- "
                + string.Join(" ", System.Linq.Enumerable.Select(args, a => a.StartsWith('-') ? a : "'" + a + "'"));
            if (PeersChart.WriteCsv(summaries, Path.Combine(artifacts, "results"), command) is { } csv)
                System.Console.WriteLine($"End-to-end results of the three contenders: {csv} (draw them with: chart {csv} CHART.png)");
            return 0;
        }
    }
}
