using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace Bitsmith.Samples.FashionApp
{
    /// <summary>The demo CNN, compiled into this assembly at build time.</summary>
    [Bitsmith.CompiledModel("../models/demo-qdq-cnn.onnx")]
    public static partial class DemoNet;

    /// <summary>
    /// Runs the generated model on a few deterministic 28×28 images (seeded, so every run and
    /// machine prints the same), prints each image's logits and top class, the mean latency of
    /// one inference, and the model's weight and scratch bytes.
    /// </summary>
    public static class Program
    {
        private const int Images = 4;
        private const int TimedRuns = 2000;

        public static void Main()
        {
            var inv = CultureInfo.InvariantCulture;
            var input = new float[DemoNet.ImageLength];
            var logits = new float[DemoNet.LogitsLength];
            for (int i = 0; i < Images; i++)
            {
                FillImage(input, seed: i);
                DemoNet.Run(input, logits);
                int top = Array.IndexOf(logits, logits.Max());
                Console.WriteLine($"image {i}: class {top}  logits [{string.Join(", ", logits.Select(v => v.ToString("F4", inv)))}]");
            }

            FillImage(input, seed: 0);
            for (int i = 0; i < 100; i++)
                DemoNet.Run(input, logits);
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < TimedRuns; i++)
                DemoNet.Run(input, logits);
            watch.Stop();
            double microseconds = watch.Elapsed.TotalMilliseconds * 1000 / TimedRuns;
            Console.WriteLine($"mean latency: {microseconds.ToString("F1", inv)} us per inference ({TimedRuns.ToString(inv)} runs)");
            Console.WriteLine($"weights: {DemoNet.WeightBytes.ToString(inv)} bytes, scratch: {DemoNet.ScratchBytes.ToString(inv)} bytes");
        }

        /// <summary>A reproducible image in [0, 1]: a seeded blob on noise, roughly the statistics of Fashion-MNIST.</summary>
        private static void FillImage(float[] image, int seed)
        {
            var random = new Random(1000 + seed);
            double cx = 8 + random.Next(12), cy = 8 + random.Next(12), r = 4 + random.Next(6);
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    double d = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
                    double v = (d < r ? 0.8 : 0.0) + 0.2 * random.NextDouble();
                    image[y * 28 + x] = (float)Math.Min(1.0, v);
                }
        }
    }
}
