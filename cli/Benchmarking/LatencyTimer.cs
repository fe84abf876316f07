using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime;

namespace Bitsmith.Cli.Benchmarking
{
    /// <summary>
    /// Times single calls of an action: a warm-up (a fifth of the time, at least a second and 10
    /// calls, and then on until the JIT has been idle for a while, so that the hot code runs at its
    /// top tier), then every call for the given time, each on its own clock reading.
    /// </summary>
    internal static class LatencyTimer
    {
        private static readonly TimeSpan MinimumWarmUp = TimeSpan.FromSeconds(1);

        /// <summary>How long the JIT must compile nothing before the code counts as warm.</summary>
        private static readonly TimeSpan JitQuiet = TimeSpan.FromMilliseconds(250);

        /// <summary>The longest warm-up, in case the process keeps compiling code of its own.</summary>
        private static readonly TimeSpan MaximumWarmUp = TimeSpan.FromSeconds(30);

        public static LatencySample Measure(string name, Action call, TimeSpan duration, IProgress<double>? progress)
        {
            var warm = Stopwatch.StartNew();
            var warmUp = duration / 5 > MinimumWarmUp ? duration / 5 : MinimumWarmUp;
            // The hot code reaches its top tier only when the background JIT gets to it: in a process that has
            // just compiled much else (Roslyn, an earlier model), that can take seconds past the fixed warm-up.
            long compiled = JitInfo.GetCompiledMethodCount();
            var quiet = Stopwatch.StartNew();
            for (int n = 0; n < 10 || warm.Elapsed < warmUp || (quiet.Elapsed < JitQuiet && warm.Elapsed < MaximumWarmUp); n++)
            {
                call();
                long now = JitInfo.GetCompiledMethodCount();
                if (now != compiled)
                {
                    compiled = now;
                    quiet.Restart();
                }
            }
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
