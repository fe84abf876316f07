using System;
using System.Globalization;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// 7e's first bar on a shared machine: each low-bit model's generated code called in alternation
    /// with its network's int8 model's, one call each in turn for a few seconds, so both see the same
    /// load; prints the medians and their ratio. A check beside <see cref="LowBitBenchmarks"/>, whose
    /// rows are timed minutes apart.
    /// </summary>
    public static class LowBitRatios
    {
        private static readonly (string Int8, string LowBit)[] Pairs =
        {
            ("mlp-784-1024-1024-10", "mlp-784-1024-1024-10-w4a8"), ("mlp-784-1024-1024-10", "mlp-784-1024-1024-10-w3a8"),
            ("mlp-784-1024-1024-10", "mlp-784-1024-1024-10-w2a8"), ("mlp-784-1024-1024-10", "mlp-784-1024-1024-10-w2a2"),
            ("mlp-784-1024-1024-10", "mlp-784-1024-1024-10-pq16"), ("fashion-cnn-w8a8", "fashion-cnn-w4a4"),
            ("fashion-cnn-w8a8", "fashion-cnn-w2a2"), ("fashion-cnn-w8a8", "fashion-cnn-w1a1"),
        };

        public static void Run(double seconds)
        {
            Console.WriteLine("| low-bit model | its µs | int8 model's µs | ratio |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (int8, lowBit) in Pairs)
            {
                var a = new LowBitBenchmarks { Model = int8 };
                var b = new LowBitBenchmarks { Model = lowBit };
                a.Setup();
                b.Setup();
                try
                {
                    var m = InterleavedRatios.Interleave(new Action[] { () => a.Bitsmith(), () => b.Bitsmith() }, seconds);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {lowBit} | {m[1]:F2} | {m[0]:F2} | {m[1] / m[0]:F2} |"));
                }
                finally
                {
                    a.Cleanup();
                    b.Cleanup();
                }
            }
        }
    }
}
