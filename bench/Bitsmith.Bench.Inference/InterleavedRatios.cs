using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// A quick check between BenchmarkDotNet runs: for each end-to-end model, ONNX Runtime, the
    /// generated code and TorchSharp called in alternation for a few seconds, so all see the same
    /// load on a shared machine; prints the medians and the ratios to ONNX Runtime's. Not a
    /// substitute for the recorded runs.
    /// </summary>
    public static class InterleavedRatios
    {
        public static void Run(string[] models, double seconds)
        {
            var ratios = new System.Collections.Generic.List<double>();
            Console.WriteLine("| model | Bitsmith µs | ONNX Runtime µs | ratio | TorchSharp µs | TorchSharp / ORT |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            foreach (string model in models)
            {
                var bench = new EndToEndBenchmarks { Model = model };
                bench.Setup();
                try
                {
                    for (int i = 0; i < 20; i++)
                    {
                        bench.OnnxRuntime();
                        bench.Bitsmith();
                        bench.TorchSharp();
                    }
                    var ours = new System.Collections.Generic.List<double>();
                    var theirs = new System.Collections.Generic.List<double>();
                    var torch = new System.Collections.Generic.List<double>();
                    var total = Stopwatch.StartNew();
                    while (total.Elapsed.TotalSeconds < seconds)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        bench.OnnxRuntime();
                        long t1 = Stopwatch.GetTimestamp();
                        bench.Bitsmith();
                        long t2 = Stopwatch.GetTimestamp();
                        bench.TorchSharp();
                        long t3 = Stopwatch.GetTimestamp();
                        theirs.Add((t1 - t0) * 1e6 / Stopwatch.Frequency);
                        ours.Add((t2 - t1) * 1e6 / Stopwatch.Frequency);
                        torch.Add((t3 - t2) * 1e6 / Stopwatch.Frequency);
                    }
                    double a = Median(ours), b = Median(theirs), c = Median(torch);
                    ratios.Add(a / b);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {model} | {a:F1} | {b:F1} | {a / b:F2} | {c:F1} | {c / b:F2} |"));
                }
                finally
                {
                    bench.Cleanup();
                }
            }
            double geomean = Math.Exp(ratios.Average(Math.Log));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"geometric mean of the Bitsmith / ORT ratios: {geomean:F2}"));
        }

        private static double Median(System.Collections.Generic.List<double> values)
        {
            values.Sort();
            return values[values.Count / 2];
        }
    }
}
