using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Bitsmith.Training;
using Bitsmith.Training.Data;
using Bitsmith.Training.Export;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// Trains the fp32 baseline and each variant, exports and checks each, times the generated code of
/// each, and writes the report. Every finished variant leaves result.json and model.onnx in its folder
/// under --out, and latency.json once timed; a rerun with --resume skips finished variants and
/// continues unfinished ones from their last epoch.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(Options.Usage);
            foreach (var v in Catalog.All)
                Console.WriteLine($"  {v.Name,-18} {v.Description}");
            return 0;
        }
        try
        {
            if (options.WriteSamplePath is { } samplePath)
            {
                var sample = FashionMnist.LoadTest(options.DataPath).Take(options.SampleImages);
                ImageSampleFile.Write(samplePath, sample);
                Console.WriteLine($"wrote {sample.Count} test images with labels to {samplePath} ({new FileInfo(samplePath).Length} bytes)");
                return 0;
            }
            Run(options);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static void Run(Options options)
    {
        torch.set_num_threads(options.Threads);
        var (trainImages, validationImages) = ValidationSplit.Split(FashionMnist.LoadTrain(options.DataPath), options.ValidationImages, Options.ValidationSeed);
        trainImages = trainImages.Take(options.TrainLimit);
        var testImages = FashionMnist.LoadTest(options.DataPath).Take(options.TestLimit);
        Console.WriteLine($"Fashion-MNIST: {trainImages.Count} training, {validationImages.Count} validation (held out of the training set), " +
            $"{testImages.Count} test images from {options.DataPath}");
        using var train = new TensorData(trainImages);
        using var validation = new TensorData(validationImages);
        using var test = new TensorData(testImages);

        // The models others start from come first (fp32, the transfer setting's source model; the catalog orders them so).
        var names = options.Variants.ToList();
        for (int i = 0; i < names.Count; i++)
        {
            if (Catalog.Find(names[i])!.StartsFrom is { } start && !names.Contains(start))
                names.Add(start);
        }
        names = Catalog.All.Select(v => v.Name).Where(names.Contains).ToList();

        foreach (string name in names)
        {
            var variant = Catalog.Find(name)!;
            string dir = Path.Combine(options.OutputPath, variant.Name);
            if (options.Resume && VariantResult.Load(dir) is { } done)
            {
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: finished earlier, test {1:P2}", name, done.TestAccuracy));
                continue;
            }
            if (!options.Resume && Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
            Directory.CreateDirectory(dir);
            using var variantTrain = train.Of(variant.Classes);
            using var variantValidation = validation.Of(variant.Classes);
            using var variantTest = test.Of(variant.Classes);
            RunVariant(variant, dir, new Trainer(options, variantTrain, variantValidation), options, variantTrain, variantValidation, variantTest);
        }

        var results = Catalog.All
            .Select(v => VariantResult.Load(Path.Combine(options.OutputPath, v.Name)))
            .Where(r => r is not null)
            .ToDictionary(r => r!.Name, r => r!);
        Report.Write(options.ResultsPath, results, TimeGeneratedCode(results.Keys, options), options);
    }

    // Every finished variant's latency: as stored, or measured now where none is (every one with --retime).
    private static Dictionary<string, VariantLatency> TimeGeneratedCode(IEnumerable<string> finished, Options options)
    {
        var latencies = finished.ToDictionary(n => n, n => options.Retime ? null : VariantLatency.Load(Path.Combine(options.OutputPath, n)));
        var toTime = latencies.Where(l => l.Value is null).Select(l => l.Key).ToArray();
        string command = "dotnet run --project samples/FashionTraining -c Release -- " + options.CommandLine;
        for (int i = 0; i < toTime.Length; i++)
        {
            string name = toTime[i], dir = Path.Combine(options.OutputPath, name);
            Console.Error.WriteLine(string.Format(CultureInfo.InvariantCulture, "[{0}/{1}] {2}: compiling and timing the generated code for {3} s",
                i + 1, toTime.Length, name, options.LatencySeconds));
            var measured = GeneratedCodeLatency.Measure(Path.Combine(dir, "model.onnx"), TimeSpan.FromSeconds(options.LatencySeconds), command);
            measured.Save(dir);
            Console.Error.WriteLine(measured.Failure is { } failure
                ? $"  {name}: the generated code could not be built: {failure}"
                : string.Format(CultureInfo.InvariantCulture, "  {0}: median {1:F1} µs, p90 {2:F1} µs over {3} calls; {4}",
                    name, measured.MedianMicroseconds, measured.P90Microseconds, measured.Calls, measured.Mix()));
            latencies[name] = measured;
        }
        return latencies.ToDictionary(l => l.Key, l => l.Value!);
    }

    private static void RunVariant(Variant variant, string dir, Trainer trainer, Options options, TensorData train, TensorData validation,
        TensorData test)
    {
        Console.WriteLine($"{variant.Name}: {variant.Description}");
        torch.manual_seed(options.Seed);
        string fp32Dir = Path.Combine(options.OutputPath, Catalog.Fp32Of(variant.Net));
        string? startDir = variant.StartsFrom is { } start ? Path.Combine(options.OutputPath, start) : null;
        var allocation = Stopwatch.StartNew();
        using var net = variant.Method == Method.Hawq
            ? HawqNetwork(fp32Dir, variant.Net, validation, options, variant.AverageBits)
            : Networks.Build(variant.Net, variant.Scheme!());
        double allocationSeconds = variant.Method == Method.Hawq ? allocation.Elapsed.TotalSeconds : 0;
        if (startDir is not null)
            CopyFloatWeights(startDir, variant.Net, net);

        var (trainSeconds, bestEpoch) = trainer.Train(variant, variant.Method, variant.Name, net, dir);
        double seconds = allocationSeconds + trainSeconds;
        if (variant.Method == Method.Ipq)
            seconds += trainer.QuantizeProduct(net, dir);
        if (variant.Method == Method.Ebs)
        {
            (double fineTuneSeconds, bestEpoch) = trainer.SelectAndFineTune(variant, net, dir);
            seconds += fineTuneSeconds;
        }
        if (variant.Method == Method.Mixed)
        {
            BitBudget.FinishMixed(net);
            var quantizers = net.modules().OfType<MixedPrecisionQuantizer>().ToArray();
            Console.WriteLine($"  learned {BitBudget.Describe(net, quantizers.Where(q => q.Target == QuantTarget.Weights).Select(q => q.Bits), variant.AverageBits)}; " +
                $"activation bits [{string.Join(", ", quantizers.Where(q => q.Target == QuantTarget.Activations).Select(q => q.Bits))}]");
        }
        net.RoundOffsetsToStep();

        // Every choice is made; the test images are read once, here.
        var watch = Stopwatch.StartNew();
        double validationAccuracy = Evaluation.Accuracy(net, validation);
        long[] predictions = Evaluation.Predict(net, test.Images, test.Count);
        double accuracy = Evaluation.Accuracy(predictions, test.Labels);
        string onnx = Path.Combine(dir, "model.onnx");
        OnnxExporter.Save(net, onnx, 1, FashionCnn.Size, FashionCnn.Size);
        int checkedImages = Math.Min(options.InterpreterImages, test.Count);
        var (interpreterAccuracy, agreement) = InterpreterCheck.Run(onnx, test.Images, test.Labels, predictions, checkedImages);
        double torchOnChecked = Evaluation.Accuracy(predictions.Take(checkedImages).ToArray(), test.Labels);

        var result = new VariantResult(variant.Name, accuracy, test.Count, validationAccuracy, validation.Count, bestEpoch,
            ModelSize.WeightBytes(net), ModelSize.WeightCount(net), seconds, options.Epochs, train.Count, checkedImages, interpreterAccuracy, agreement, torchOnChecked,
            "dotnet run --project samples/FashionTraining -c Release -- " + options.CommandLine, ModelSize.LayerBits(net), ModelSize.KeptFraction(net));
        result.Save(dir);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "{0}: validation {1:P2} on {2}, test {3:P2} on {4}; {5:N0} weight bytes; interpreter on {6}: {7:P2} (TorchSharp {8:P2}), same class {9:P2}; exported to {10} ({11})",
            variant.Name, validationAccuracy, validation.Count, accuracy, test.Count, result.WeightBytes, checkedImages, interpreterAccuracy, torchOnChecked,
            agreement, onnx, Trainer.Format(watch.Elapsed.TotalSeconds)));
        // A diverged run (a quantiser's step thrown out of range) ends at chance: say so, not only in the numbers.
        int classes = variant.Classes == ClassSplit.All ? 10 : 5;
        if (validationAccuracy < 1.5 / classes)
            Console.Error.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "warning: {0} ended at {1:P2} on the validation images, about chance for {2} classes: its training diverged " +
                "(docs/bit-allocation.md, \"A uniform 2-bit run that died\"); another --seed may train it", variant.Name, validationAccuracy, classes));
    }

    // HAWQ-V2: the bits from the trained fp32 model's Hessian traces on a calibration batch: the first
    // 512 validation images, since the allocation is a choice made on held-out data.
    private static QuantSequential HawqNetwork(string fp32Dir, string network, TensorData validation, Options options, double? averageBits)
    {
        using var fp32 = LoadFloatModel(fp32Dir, network);
        int calibration = Math.Min(512, validation.Count);
        int[] bits;
        using (var scope = NewDisposeScope())
            bits = BitBudget.HawqBits(fp32, validation.Images.narrow(0, 0, calibration), validation.Labels.narrow(0, 0, calibration),
                options.HawqSamples, options.Seed, averageBits);
        var net = Networks.Build(network, Catalog.HawqScheme(bits));
        Console.WriteLine($"  HAWQ-V2 allocated {BitBudget.Describe(net, bits, averageBits)}");
        return net;
    }

    // The trained float model in dir (fp32's, or the transfer setting's source model).
    private static QuantSequential LoadFloatModel(string dir, string network)
    {
        string path = Checkpoint.BestModelPath(dir);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The fp32 model the quantised variants start from is missing: {path} (train the fp32 variant first).", path);
        var fp32 = Networks.Build(network, Catalog.Find(Catalog.Fp32)!.Scheme!());
        fp32.load(path);
        return fp32;
    }

    // The trained fp32 model's convolution, linear and BatchNorm parameters and statistics, layer by layer in order.
    private static void CopyFloatWeights(string startDir, string network, QuantSequential target)
    {
        using var fp32 = LoadFloatModel(startDir, network);
        static IEnumerable<nn.Module> Weighted(QuantSequential net) =>
            net.modules().Where(m => m is QuantConv2d or QuantLinear or TorchSharp.Modules.BatchNorm2d);
        using var noGrad = no_grad();
        foreach (var (from, to) in Weighted(fp32).Zip(Weighted(target)))
        {
            var source = from.state_dict();
            foreach (var (key, value) in to.state_dict())
            {
                // Only the layer's own tensors (weight, bias, BN statistics), not its quantiser's.
                if (!key.Contains('.') && source.TryGetValue(key, out var s))
                    value.copy_(s);
            }
        }
    }
}
