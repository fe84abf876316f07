using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Reports;
using Microsoft.ML.OnnxRuntime;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// The end-to-end results of the three contenders as a CSV (written after a BenchmarkDotNet run
    /// that included <see cref="EndToEndBenchmarks"/>: one row per model, thread count and
    /// contender, times in nanoseconds, the machine, the versions and the command in leading
    /// <c>#</c> lines) and the chart drawn from it (<c>chart CSV PNG</c>): per model, the latency
    /// of each contender on one and two threads divided by ONNX Runtime's on one thread, grouped
    /// bars on a log scale, ONNX Runtime on one thread = 1.
    /// </summary>
    public static class PeersChart
    {
        private static readonly string[] Contenders = { nameof(EndToEndBenchmarks.OnnxRuntime), nameof(EndToEndBenchmarks.Bitsmith), nameof(EndToEndBenchmarks.TorchSharp) };

        /// <summary>Writes the CSV of the end-to-end reports in <paramref name="summaries"/>, if any; returns its path or null.</summary>
        public static string? WriteCsv(IEnumerable<Summary> summaries, string directory, string command)
        {
            var rows = new List<string>();
            foreach (var summary in summaries)
            {
                foreach (var report in summary.Reports)
                {
                    var descriptor = report.BenchmarkCase.Descriptor;
                    if (descriptor.Type != typeof(EndToEndBenchmarks) || report.ResultStatistics is not { } stats)
                        continue;
                    string model = (string)report.BenchmarkCase.Parameters[nameof(EndToEndBenchmarks.Model)];
                    int threads = (int)report.BenchmarkCase.Parameters[nameof(EndToEndBenchmarks.Threads)];
                    long allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1;
                    rows.Add(string.Join(",", model, threads.ToString(CultureInfo.InvariantCulture), descriptor.WorkloadMethod.Name, F(stats.Mean), F(stats.StandardDeviation), F(stats.Median),
                        allocated.ToString(CultureInfo.InvariantCulture)));
                }
            }
            if (rows.Count == 0)
                return null;
            Directory.CreateDirectory(directory);
            string path = Path.Combine(directory, "end-to-end-peers.csv");
            var lines = new List<string>
            {
                "# machine: " + Machine(),
                "# versions: " + Versions(),
                "# command: " + command,
                "# date: " + DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
                "model,threads,method,mean_ns,sd_ns,median_ns,allocated_bytes",
            };
            lines.AddRange(rows);
            File.WriteAllLines(path, lines);
            return path;
        }

        /// <summary>The bars of each model: contender and thread count, against ONNX Runtime on one thread.</summary>
        private static readonly (string Method, int Threads, string Label)[] Bars =
        {
            (nameof(EndToEndBenchmarks.OnnxRuntime), 2, "ONNX Runtime (int8 QDQ), 2 threads"),
            (nameof(EndToEndBenchmarks.Bitsmith), 1, "Bitsmith (int8, generated C#), 1 thread"),
            (nameof(EndToEndBenchmarks.Bitsmith), 2, "Bitsmith, 2 threads"),
            (nameof(EndToEndBenchmarks.TorchSharp), 1, "TorchSharp (fp32, eval), 1 thread"),
            (nameof(EndToEndBenchmarks.TorchSharp), 2, "TorchSharp, 2 threads"),
        };

        /// <summary>The chart of <paramref name="csv"/> (as <see cref="WriteCsv"/> writes it) as a PNG at <paramref name="png"/>; prints the table.</summary>
        public static void Draw(string csv, string png)
        {
            var header = new Dictionary<string, string>();
            var means = new Dictionary<(string Model, int Threads, string Method), double>();
            var models = new List<string>();
            foreach (string line in File.ReadAllLines(csv))
            {
                if (line.StartsWith("# ", StringComparison.Ordinal))
                {
                    int colon = line.IndexOf(": ", StringComparison.Ordinal);
                    header[line[2..colon]] = line[(colon + 2)..];
                    continue;
                }
                var f = line.Split(',');
                if (f[0] == "model")
                    continue;
                if (!models.Contains(f[0]))
                    models.Add(f[0]);
                means[(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), f[2])] = double.Parse(f[3], CultureInfo.InvariantCulture);
            }
            models = models.Where(m => Contenders.All(c => means.ContainsKey((m, 1, c)) && means.ContainsKey((m, 2, c)))).ToList();
            if (models.Count == 0)
                throw new InvalidDataException($"{csv} has no model with all of {string.Join(", ", Contenders)} on 1 and 2 threads.");

            Console.WriteLine("| model | ORT 1T | Bitsmith 1T | TorchSharp 1T | ORT 2T | Bitsmith 2T | TorchSharp 2T | Bitsmith / ORT 1T | Bitsmith / ORT 2T | TorchSharp / ORT 1T |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            var plot = new ScottPlot.Plot();
            var palette = new ScottPlot.Palettes.Category10();
            var colors = Bars.Select((_, j) => palette.GetColor(j)).ToArray();
            int group = Bars.Length + 1;
            var bars = new List<ScottPlot.Bar>();
            double lowest = 0, highest = 0;
            for (int i = 0; i < models.Count; i++)
            {
                string model = models[i];
                double Mean(string method, int threads) => means[(model, threads, method)];
                double ort = Mean(Contenders[0], 1);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {model} | {Micro(ort)} | {Micro(Mean(Contenders[1], 1))} | {Micro(Mean(Contenders[2], 1))} | {Micro(Mean(Contenders[0], 2))} | {Micro(Mean(Contenders[1], 2))} | {Micro(Mean(Contenders[2], 2))} | " +
                    $"{Mean(Contenders[1], 1) / ort:0.00} | {Mean(Contenders[1], 2) / Mean(Contenders[0], 2):0.00} | {Mean(Contenders[2], 1) / ort:0.00} |"));
                for (int j = 0; j < Bars.Length; j++)
                {
                    double ratio = Mean(Bars[j].Method, Bars[j].Threads) / ort, value = Math.Log10(ratio);
                    lowest = Math.Min(lowest, value);
                    highest = Math.Max(highest, value);
                    bars.Add(new ScottPlot.Bar
                    {
                        Position = i * group + j,
                        Value = value,
                        ValueBase = 0,
                        FillColor = colors[j],
                        Label = ratio.ToString("0.00", CultureInfo.InvariantCulture),
                        Size = 0.9,
                    });
                }
            }
            plot.Add.Bars(bars);
            plot.Add.HorizontalLine(0, 2, ScottPlot.Colors.Black);

            // Log scale by hand: the bars are log10 of the ratio, the ticks say the ratio.
            var ticks = new[] { 0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64 }
                .Where(t => Math.Log10(t) >= lowest - 0.35 && Math.Log10(t) <= highest + 0.35).ToArray();
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                ticks.Select(Math.Log10).ToArray(), ticks.Select(t => t.ToString("0.###", CultureInfo.InvariantCulture) + "x").ToArray());
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                models.Select((_, i) => i * group + (Bars.Length - 1) / 2.0).ToArray(), models.ToArray());
            plot.Axes.SetLimitsY(lowest - 0.3, highest + 0.3);
            plot.Axes.SetLimitsX(-0.8, models.Count * group - 1.2);
            for (int j = 0; j < Bars.Length; j++)
                plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = Bars[j].Label, FillColor = colors[j] });
            plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = "ONNX Runtime (int8 QDQ), 1 thread = 1", LineColor = ScottPlot.Colors.Black, LineWidth = 2 });
            plot.ShowLegend(ScottPlot.Alignment.UpperLeft);

            plot.Title(string.Join("\n", new[]
            {
                "Latency relative to ONNX Runtime on one thread, batch 1 (lower is faster; log scale)",
                Get(header, "machine"), Get(header, "versions"), Get(header, "command") + "  (" + Get(header, "date") + ")",
            }));
            plot.Axes.Title.Label.FontSize = 13;
            plot.YLabel("latency / ONNX Runtime's on one thread");
            plot.XLabel("model");
            plot.SavePng(png, 1300, 700);
            Console.WriteLine($"wrote {png}");
        }

        private static string Get(Dictionary<string, string> header, string key) => header.TryGetValue(key, out var v) ? v : "?";

        private static string F(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);

        private static string Micro(double ns) => (ns / 1000).ToString(ns >= 1e6 ? "#,0" : "#,0.0", CultureInfo.InvariantCulture) + " µs";

        /// <summary>The CPU's model name, its widest vector extension and the logical cores.</summary>
        public static string Machine()
        {
            string name = "unknown CPU", isa = "?";
            try
            {
                var lines = File.ReadAllLines("/proc/cpuinfo");
                name = lines.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? name;
                var flags = (lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                isa = flags.Contains("avx512f") ? "AVX-512" + (flags.Contains("avx512_vnni") ? " + VNNI" : "") : flags.Contains("avx2") ? "AVX2, no AVX-512" : "no AVX2";
            }
            catch (IOException)
            {
            }
            return $"{name} ({isa}), {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}";
        }

        /// <summary>The contenders' versions as this process loads them.</summary>
        public static string Versions()
        {
            string torchSharp = typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                ?? typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?";
            string libtorch = typeof(PeersChart).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "LibTorchVersion")?.Value ?? "?";
            string bdn = typeof(Summary).Assembly.GetName().Version?.ToString(3) ?? "?";
            return $"ONNX Runtime {OrtEnv.Instance().GetVersionString()}, TorchSharp {torchSharp} / libtorch {libtorch} (CPU), " +
                $"{RuntimeInformation.FrameworkDescription}, BenchmarkDotNet {bdn}";
        }
    }
}
