using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Bitsmith.Training.Data;

namespace Bitsmith.Samples.FashionApp
{
    /// <summary>The Fashion-MNIST classifier trained by samples/FashionTraining (learned mixed precision at the W4 byte budget), compiled into this assembly at build time.</summary>
    [Bitsmith.CompiledModel("../models/fashion-mixed.onnx")]
    public static partial class FashionNet;

    /// <summary>
    /// Classifies the first 1,000 Fashion-MNIST test images shipped in samples/data with the
    /// generated model: prints the first few predictions, the accuracy, how long after the
    /// process started the first result came, the mean latency of one inference on one thread and
    /// with its larger layers split across two, and the model's weight and scratch bytes.
    /// </summary>
    public static class Program
    {
        private const int Shown = 4;
        private const int TimedRuns = 2000;

        private static readonly string[] ClassNames =
        {
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
        };

        public static int Main(string[] args)
        {
            var inv = CultureInfo.InvariantCulture;
            string path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "fashion-test-1000.bsim");
            LabelledImages images;
            try
            {
                images = ImageSampleFile.Read(path);
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException)
            {
                Console.Error.WriteLine("FashionApp: " + e.Message);
                return 1;
            }
            if (images.ImageSize != FashionNet.InputLength)
            {
                Console.Error.WriteLine($"FashionApp: {path} holds {images.Rows}×{images.Columns} images; the model takes {FashionNet.InputLength} pixels");
                return 1;
            }

            var input = new float[FashionNet.InputLength];
            var logits = new float[FashionNet.OutputLength];
            int correct = 0;
            TimeSpan firstResult = default;
            for (int i = 0; i < images.Count; i++)
            {
                Load(images, i, input);
                FashionNet.Run(input, logits);
                if (i == 0)
                    firstResult = DateTime.Now - Process.GetCurrentProcess().StartTime;
                int top = Array.IndexOf(logits, logits.Max());
                if (top == images.Labels[i])
                    correct++;
                if (i < Shown)
                    Console.WriteLine($"image {i}: class {top} ({ClassNames[top]}), label {images.Labels[i]}  logits [{string.Join(", ", logits.Select(v => v.ToString("F4", inv)))}]");
            }
            Console.WriteLine($"accuracy: {(100.0 * correct / images.Count).ToString("F1", inv)} % ({correct.ToString(inv)} of {images.Count.ToString(inv)} test images)");
            // From the process's start as the OS records it (a clock tick, 10 ms on Linux): the cost of starting the runtime, reading the data and the first call.
            Console.WriteLine($"first result: {firstResult.TotalMilliseconds.ToString("F0", inv)} ms after the process started");

            Load(images, 0, input);
            for (int i = 0; i < 100; i++)
                FashionNet.Run(input, logits);
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < TimedRuns; i++)
                FashionNet.Run(input, logits);
            watch.Stop();
            double microseconds = watch.Elapsed.TotalMilliseconds * 1000 / TimedRuns;
            Console.WriteLine($"mean latency: {microseconds.ToString("F1", inv)} us per inference ({TimedRuns.ToString(inv)} runs)");

            // The same with the larger layers split across two threads: the same logits, bit for bit.
            var oneThread = (float[])logits.Clone();
            using (var threads = new Bitsmith.LayerThreads(2))
            {
                // As many warm-up calls as the one-thread figure had before it (the images above), so the threaded path is compiled at full optimisation too.
                for (int i = 0; i < images.Count + 100; i++)
                    FashionNet.Run(input, logits, threads);
                if (!System.Runtime.InteropServices.MemoryMarshal.AsBytes(logits.AsSpan()).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(oneThread.AsSpan())))
                {
                    Console.Error.WriteLine("FashionApp: two threads gave other logits than one (a Bitsmith bug)");
                    return 1;
                }
                watch.Restart();
                for (int i = 0; i < TimedRuns; i++)
                    FashionNet.Run(input, logits, threads);
                watch.Stop();
            }
            microseconds = watch.Elapsed.TotalMilliseconds * 1000 / TimedRuns;
            Console.WriteLine($"mean latency on 2 threads: {microseconds.ToString("F1", inv)} us per inference, the same logits ({TimedRuns.ToString(inv)} runs)");
            Console.WriteLine($"weights: {FashionNet.WeightBytes.ToString(inv)} bytes, scratch: {FashionNet.ScratchBytes.ToString(inv)} bytes");
            return 0;
        }

        /// <summary>Image <paramref name="index"/> as the model's input: pixels scaled to [0, 1], as in training.</summary>
        private static void Load(LabelledImages images, int index, float[] input)
        {
            var pixels = images.Pixels.AsSpan(index * images.ImageSize, images.ImageSize);
            for (int i = 0; i < pixels.Length; i++)
                input[i] = pixels[i] / 255f;
        }
    }
}
