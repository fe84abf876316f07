using System;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;

namespace Bitsmith
{
    /// <summary>
    /// Time per layer of a model built with <c>&lt;BitsmithProfile&gt;true&lt;/BitsmithProfile&gt;</c>:
    /// the generated <c>Run</c> reads <see cref="Stopwatch.GetTimestamp"/> after each layer and adds
    /// the difference here, next to the compiler's estimate for that layer, so a user sees where
    /// the time goes and how far the cost model is from the machine. Recording costs two
    /// timestamp reads a layer and allocates nothing; calls on several threads at once add up
    /// (each add is atomic), so read it after single-threaded runs for per-call figures.
    /// </summary>
    public sealed class LayerProfile
    {
        private readonly string[] _nodes;
        private readonly string[] _ops;
        private readonly string[] _implementations;
        private readonly double[] _estimatedMicroseconds;
        private readonly long[] _ticks;
        private long _runs;

        public LayerProfile(string[] nodes, string[] ops, string[] implementations, double[] estimatedMicroseconds)
        {
            if (ops.Length != nodes.Length || implementations.Length != nodes.Length || estimatedMicroseconds.Length != nodes.Length)
                throw new ArgumentException("one node name, op, implementation and estimate per layer");
            _nodes = nodes;
            _ops = ops;
            _implementations = implementations;
            _estimatedMicroseconds = estimatedMicroseconds;
            _ticks = new long[nodes.Length];
        }

        /// <summary>Layers timed, in the order <c>Run</c> executes them.</summary>
        public int Count => _nodes.Length;

        /// <summary>Completed <c>Run</c> calls since the last <see cref="Reset"/>.</summary>
        public long Runs => Interlocked.Read(ref _runs);

        public string Node(int layer) => _nodes[layer];

        public string Op(int layer) => _ops[layer];

        public string Implementation(int layer) => _implementations[layer];

        /// <summary>The cost model's estimate for one call of the layer.</summary>
        public double EstimatedMicroseconds(int layer) => _estimatedMicroseconds[layer];

        /// <summary>Measured time of the layer, averaged over <see cref="Runs"/>.</summary>
        public double MeasuredMicroseconds(int layer)
        {
            long runs = Runs;
            return runs == 0 ? 0 : Interlocked.Read(ref _ticks[layer]) * 1e6 / Stopwatch.Frequency / runs;
        }

        /// <summary>Adds the time since <paramref name="since"/> to a layer; returns now, the next layer's start.</summary>
        public long Record(int layer, long since)
        {
            long now = Stopwatch.GetTimestamp();
            Interlocked.Add(ref _ticks[layer], now - since);
            return now;
        }

        /// <summary>Counts one completed <c>Run</c>.</summary>
        public void CompleteRun() => Interlocked.Increment(ref _runs);

        public void Reset()
        {
            for (int i = 0; i < _ticks.Length; i++)
                Interlocked.Exchange(ref _ticks[i], 0);
            Interlocked.Exchange(ref _runs, 0);
        }

        /// <summary>The table: one row a layer, measured against estimated, and the totals.</summary>
        public override string ToString()
        {
            var text = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            int nodeWidth = Math.Max(4, MaxLength(_nodes)), opWidth = Math.Max(2, MaxLength(_ops)), implWidth = Math.Max(14, MaxLength(_implementations));
            text.Append("node".PadRight(nodeWidth)).Append("  ").Append("op".PadRight(opWidth)).Append("  ").Append("implementation".PadRight(implWidth))
                .AppendLine("  measured µs  estimated µs  measured/est.  share");
            double total = 0, totalEstimate = 0;
            for (int i = 0; i < Count; i++)
            {
                total += MeasuredMicroseconds(i);
                totalEstimate += _estimatedMicroseconds[i];
            }
            for (int i = 0; i < Count; i++)
            {
                double measured = MeasuredMicroseconds(i), estimate = _estimatedMicroseconds[i];
                text.Append(_nodes[i].PadRight(nodeWidth)).Append("  ").Append(_ops[i].PadRight(opWidth)).Append("  ").Append(_implementations[i].PadRight(implWidth))
                    .Append(measured.ToString("F1", inv).PadLeft(13)).Append(estimate.ToString("F1", inv).PadLeft(14))
                    .Append((estimate > 0 ? (measured / estimate).ToString("F2", inv) : "-").PadLeft(15))
                    .Append((total > 0 ? (100 * measured / total).ToString("F1", inv) + " %" : "-").PadLeft(7)).AppendLine();
            }
            text.Append("total".PadRight(nodeWidth + opWidth + implWidth + 4)).Append(total.ToString("F1", inv).PadLeft(13)).Append(totalEstimate.ToString("F1", inv).PadLeft(14))
                .Append((totalEstimate > 0 ? (total / totalEstimate).ToString("F2", inv) : "-").PadLeft(15)).AppendLine()
                .Append(Runs.ToString(inv)).Append(" runs");
            return text.ToString();
        }

        private static int MaxLength(string[] names)
        {
            int max = 0;
            foreach (var name in names)
                max = Math.Max(max, name.Length);
            return max;
        }
    }
}
