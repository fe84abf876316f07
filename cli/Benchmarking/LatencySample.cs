using System;
using System.Collections.Generic;
using System.Linq;

namespace Bitsmith.Cli.Benchmarking
{
    /// <summary>The per-call latencies of one contender, in microseconds, and their median and 90th percentile.</summary>
    internal sealed class LatencySample
    {
        public LatencySample(string name, IReadOnlyList<double> microseconds)
        {
            if (microseconds.Count == 0)
                throw new ArgumentException("no calls were timed", nameof(microseconds));
            Name = name;
            var sorted = microseconds.OrderBy(x => x).ToArray();
            Calls = sorted.Length;
            Median = Percentile(sorted, 0.5);
            P90 = Percentile(sorted, 0.9);
        }

        public string Name { get; }

        public int Calls { get; }

        public double Median { get; }

        public double P90 { get; }

        /// <summary>Linear interpolation between the closest ranks.</summary>
        public static double Percentile(double[] sorted, double p)
        {
            double rank = p * (sorted.Length - 1);
            int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
            return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
        }
    }
}
