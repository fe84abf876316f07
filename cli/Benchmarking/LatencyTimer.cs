using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Bitsmith.Cli.Benchmarking
{
    /// <summary>
    /// Times single calls of an action: a warm-up (a fifth of the time, at least a second and 10
    /// calls, so that the JIT has compiled the hot code at its top tier), then every call for the
    /// given time, each on its own clock reading.
    /// </summary>
    internal static class LatencyTimer
    {
        private static readonly TimeSpan MinimumWarmUp = TimeSpan.FromSeconds(1);

        public static LatencySample Measure(string name, Action call, TimeSpan duration, IProgress<double>? progress)
        {
            var warm = Stopwatch.StartNew();
            var warmUp = duration / 5 > MinimumWarmUp ? duration / 5 : MinimumWarmUp;
            for (int n = 0; n < 10 || warm.Elapsed < warmUp; n++)
                call();
            var samples = new List<double>();
            var total = Stopwatch.StartNew();
            long lastReport = 0;
            double tick = 1e6 / Stopwatch.Frequency;
            while (total.Elapsed < duration || samples.Count < 10)
            {
                long start = Stopwatch.GetTimestamp();
                call();
                samples.Add((Stopwatch.GetTimestamp() - start) * tick);
                if (progress != null && total.ElapsedMilliseconds - lastReport >= 100)
                {
                    lastReport = total.ElapsedMilliseconds;
                    progress.Report(Math.Min(1, total.Elapsed / duration));
                }
            }
            progress?.Report(1);
            return new LatencySample(name, samples);
        }
    }
}
