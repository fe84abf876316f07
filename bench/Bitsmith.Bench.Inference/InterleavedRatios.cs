using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// A quick check between BenchmarkDotNet runs: for each end-to-end model, ONNX Runtime, the
    /// generated code and TorchSharp on one thread called in alternation for a few seconds, so all
    /// see the same load on a shared machine, then ONNX Runtime and the generated code on two
    /// threads, each alone; prints the medians and the ratios to ONNX Runtime's at the same
    /// thread count. Not a substitute for the recorded runs.
    /// </summary>
    public static class InterleavedRatios
    {
        public static void Run(string[] models, double seconds)
        {
            var ratios = new List<double>();
            var ratios2 = new List<double>();
            Console.WriteLine("| model | Bitsmith µs | ONNX Runtime µs | ratio | TorchSharp µs | TorchSharp / ORT | Bitsmith 2T µs | ORT 2T µs | ratio 2T |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (string model in models)
            {
                var one = new EndToEndBenchmarks { Model = model, Threads = 1 };
                var two = new EndToEndBenchmarks { Model = model, Threads = 2, WithTorchSharp = false };
                two.Setup();
                one.Setup();
                try
                {
                    // One thread: the three in alternation. Two threads: each alone in turn, since a
                    // spinning worker of one would take a core from the other.
                    double[] m = new double[5];
                    Interleave(new Action[] { () => one.OnnxRuntime(), () => one.Bitsmith(), () => one.TorchSharp() }, seconds).CopyTo(m, 0);
                    m[3] = Interleave(new Action[] { () => two.OnnxRuntime() }, seconds / 2)[0];
                    m[4] = Interleave(new Action[] { () => two.Bitsmith() }, seconds / 2)[0];
                    ratios.Add(m[1] / m[0]);
                    ratios2.Add(m[4] / m[3]);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {model} | {m[1]:F1} | {m[0]:F1} | {m[1] / m[0]:F2} | {m[2]:F1} | {m[2] / m[0]:F2} | {m[4]:F1} | {m[3]:F1} | {m[4] / m[3]:F2} |"));
                }
                finally
                {
                    one.Cleanup();
                    two.Cleanup();
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"geometric mean of the Bitsmith / ORT ratios: {Math.Exp(ratios.Average(Math.Log)):F2} on one thread, {Math.Exp(ratios2.Average(Math.Log)):F2} on two"));
        }

        /// <summary>Calls the contenders in turn for <paramref name="seconds"/> after a warm-up; returns each one's median µs.</summary>
        internal static double[] Interleave(Action[] contenders, double seconds)
        {
            var times = contenders.Select(_ => new List<double>()).ToArray();
            for (int i = 0; i < 20; i++)
                foreach (var run in contenders)
                    run();
            var total = Stopwatch.StartNew();
            while (total.Elapsed.TotalSeconds < seconds)
            {
                for (int k = 0; k < contenders.Length; k++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    contenders[k]();
                    times[k].Add((Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency);
                }
            }
            return times.Select(Median).ToArray();
        }

        private static double Median(List<double> values)
        {
            values.Sort();
            return values[values.Count / 2];
        }
    }
}
