using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// A quick check between BenchmarkDotNet runs: for each end-to-end model, ONNX Runtime and the
    /// generated code called in alternation for a few seconds, so both see the same load on a
    /// shared machine; prints both medians and their ratio. Not a substitute for the recorded runs.
    /// </summary>
    public static class InterleavedRatios
    {
        public static void Run(string[] models, double seconds)
        {
            var ratios = new System.Collections.Generic.List<double>();
            Console.WriteLine("| model | Bitsmith µs | ONNX Runtime µs | ratio |");
            Console.WriteLine("|---|---:|---:|---:|");
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
                    }
                    var ours = new System.Collections.Generic.List<double>();
                    var theirs = new System.Collections.Generic.List<double>();
                    var total = Stopwatch.StartNew();
                    while (total.Elapsed.TotalSeconds < seconds)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        bench.OnnxRuntime();
                        long t1 = Stopwatch.GetTimestamp();
                        bench.Bitsmith();
                        long t2 = Stopwatch.GetTimestamp();
                        theirs.Add((t1 - t0) * 1e6 / Stopwatch.Frequency);
                        ours.Add((t2 - t1) * 1e6 / Stopwatch.Frequency);
                    }
                    double a = Median(ours), b = Median(theirs);
                    ratios.Add(a / b);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {model} | {a:F1} | {b:F1} | {a / b:F2} |"));
                }
                finally
                {
                    bench.Cleanup();
                }
            }
            double geomean = Math.Exp(ratios.Average(Math.Log));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"geometric mean of the ratios: {geomean:F2}"));
        }

        private static double Median(System.Collections.Generic.List<double> values)
        {
            values.Sort();
            return values[values.Count / 2];
        }
    }
}
