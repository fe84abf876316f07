using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Bitsmith.Cli.Benchmarking;
using Bitsmith.Cli.Execution;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Cli.Commands
{
    /// <summary><c>bitsmith bench MODEL [--threads N] [--seconds S] [--batch N] [--strategy NODE=IMPL;...]</c>: latency of the generated code and of ONNX Runtime on the same file.</summary>
    internal static class BenchCommand
    {
        public static Command Create(CliContext context)
        {
            var model = CommonOptions.Model();
            var batch = CommonOptions.Batch();
            var strategy = CommonOptions.Strategy();
            var threads = CommonOptions.PositiveInt("--threads",
                "Threads for both: the generated code splits its larger layers across N threads (Bitsmith.LayerThreads), and ONNX Runtime runs N intra-op threads.", 1, "N",
                LayerThreads.MaxDegree);
            var seconds = CommonOptions.Seconds("--seconds",
                "How long to time each of the two, after a warm-up of a fifth of that (at least a second).", 3.0, "S");
            var command = new Command("bench",
                "Time one call of the generated code (built in memory as an app's build would, its larger layers split across " +
                "--threads threads) and of ONNX Runtime on the same file (all graph optimisations, --threads intra-op threads), on the same seeded random " +
                "input, and print the median and 90th-percentile latency of each and their ratio. A progress display runs on " +
                "stderr; the results go to stdout.")
            {
                model, threads, seconds, batch, strategy,
            };
            command.SetAction(r =>
            {
                Bench(context, ModelFile.Require(r.GetValue(model)!), r.GetValue(batch), r.GetValue(strategy)!, r.GetValue(threads), TimeSpan.FromSeconds(r.GetValue(seconds)));
                return ExitCodes.Success;
            });
            return command;
        }

        private static void Bench(CliContext context, string path, int batch, string strategy, int threads, TimeSpan duration)
        {
            var asWritten = ModelFile.Load(path, batch, runPasses: false);
            var generated = GeneratedSource.Create(ModelFile.Load(path, batch), batch, strategy, "Bitsmith.Bench", "BenchedModel", context.Hooks);
            using var code = InMemoryModel.Compile(generated);
            using var ort = OnnxRuntimeModel.Open(path, optimized: true, threads);
            using var layerThreads = threads > 1 ? new LayerThreads(threads) : null;
            var input = RandomInputs.Create(asWritten, new Random(1));
            code.Bind(input, code.NewOutputs(), layerThreads);
            ort.Bind(asWritten.Inputs, input, asWritten.Outputs, code.NewOutputs());

            string count = $"{threads} thread{(threads == 1 ? "" : "s")}";
            string ortName = $"ONNX Runtime ({count})", bitsmithName = $"Bitsmith ({count})";
            var steps = new List<(string, Func<IProgress<double>, LatencySample>)>
            {
                (bitsmithName, p => LatencyTimer.Measure(bitsmithName, code.Run, duration, p)),
                (ortName, p => LatencyTimer.Measure(ortName, ort.Run, duration, p)),
            };
            var results = new ProgressDisplay(context.Error).Run(steps);

            var w = context.Out;
            w.WriteLine($"bench {Path.GetFileName(path)}: batch {batch}, {duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s each, {Environment.ProcessorCount} logical CPUs");
            w.WriteLine($"  {"",-26}{"median µs",12}{"p90 µs",12}{"calls",10}");
            foreach (var s in results)
                w.WriteLine($"  {s.Name,-26}{Us(s.Median),12}{Us(s.P90),12}{s.Calls,10}");
            w.WriteLine($"  Bitsmith's median is {(results[0].Median / results[1].Median).ToString("0.00", CultureInfo.InvariantCulture)}x ONNX Runtime's");
        }

        private static string Us(double us) => us.ToString("0.0", CultureInfo.InvariantCulture);
    }
}
