using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Bitsmith.Training.Data;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>The command line.</summary>
internal sealed record Options
{
    public int Epochs { get; init; } = 8;
    public int BatchSize { get; init; } = 128;
    public double LearningRate { get; init; } = 2e-3;
    public double FineTuneLearningRate { get; init; } = 2e-4;
    public double QuantizerLearningRate { get; init; } = 0.01;
    /// <summary>The mixed-precision step and range rate; null: each variant's own (<see cref="Variant.SearchLearningRate"/>).</summary>
    public double? SearchLearningRate { get; init; }
    public double ScoreLearningRate { get; init; } = 1e-2;
    public int Seed { get; init; } = 1;
    public string DataPath { get; init; } = FashionMnist.DefaultDirectory;
    public string OutputPath { get; init; } = "runs/fashion";
    public string ResultsPath { get; init; } = "docs/results.md";
    public IReadOnlyList<string> Variants { get; init; } = Catalog.All.Select(v => v.Name).ToArray();
    public bool Resume { get; init; }
    public int TrainLimit { get; init; } = int.MaxValue;
    public int TestLimit { get; init; } = int.MaxValue;
    public int ValidationImages { get; init; } = 5000;

    /// <summary>The seed of the validation split: fixed, so every variant and every --seed is judged on the same images.</summary>
    public const int ValidationSeed = 10;
    public int InterpreterImages { get; init; } = 200;
    public int IpqFineTuneSteps { get; init; } = 1000;
    public int HawqSamples { get; init; } = 64;
    public string? WriteSamplePath { get; init; }
    public int SampleImages { get; init; } = 1000;
    public int Threads { get; init; } = 2;
    public double LatencySeconds { get; init; } = 3;
    public bool Retime { get; init; }
    public bool Help { get; init; }

    /// <summary>The arguments as given, for the results' "command" column.</summary>
    public string CommandLine { get; init; } = "";

    public const string Usage = """
        Trains Fashion-MNIST networks in fp32 and with each compression method (the variants below: a
        CNN, and a deeper depthwise-separable network for the bit allocators' "mobile-" variants),
        exports each to ONNX, checks the export in the compiler's reference interpreter, times the code
        Bitsmith generates for it, writes the results (tables, charts, what each paper's claim came to).

        usage: dotnet run --project samples/FashionTraining -c Release -- [options]
          --epochs N             epochs per variant (default 8)
          --batch-size N         mini-batch (default 128)
          --lr X                 Adam learning rate of the weights, cosine-decayed (default 0.002)
          --finetune-lr X        Adam learning rate of the weights of the transfer variants, fine-tuned from
                                 the source model, cosine-decayed (default 0.0002: a tenth of --lr, as
                                 fine-tuning rates are; it keeps the weights near the pretrained ones,
                                 the regime movement pruning was made for)
          --quantizer-lr X       SGD (momentum 0.9) learning rate of LSQ/LSQ+ steps and offsets, iPQ
                                 centroids and EBS strengths, cosine-decayed (default 0.01)
          --search-lr X          Adam learning rate of mixed-precision step and range, cosine-decayed
                                 (default: the variant's, chosen on the validation images: 0.002 on
                                 the CNN, 0.0005 on the deeper network's mobile-mixed-b3 and -b2.5)
          --score-lr X           Adam learning rate of movement pruning's scores, cosine-decayed (default
                                 0.01, Sanh et al.'s: soft movement's scores must move past its threshold)
          --seed N               seed of initialisation and shuffling (default 1)
          --data DIR             folder of the IDX files (default /usr/share/datasets/fashion-mnist)
          --out DIR              checkpoints and ONNX files (default runs/fashion)
          --results FILE         the results table; the charts are written beside it (default docs/results.md)
          --variants A,B,...     which variants (default: all; the model a variant starts from, fp32 or
                                 the transfer setting's source, is trained first when it is not in the list)
          --resume               continue from the last checkpoint of each variant in --out
          --validation N         training images held out (a fixed seeded draw) for every choice: the
                                 kept epoch, iPQ's progress; the test images are read once per variant
                                 at the end (default 5000)
          --train-limit N        use only the first N of the remaining training images (smoke runs)
          --test-limit N         evaluate on the first N test images (smoke runs)
          --interpreter-images N images the reference interpreter checks per variant (default 200)
          --ipq-finetune-steps N fine-tuning steps after each iPQ layer is quantised (default 1000, about
                                 2.3 epochs: the centroids move by their blocks' mean gradient, so
                                 they need far longer than the float weights to settle)
          --hawq-samples N       Hutchinson draws per Hessian trace for HAWQ-V2 (default 64)
          --threads N            TorchSharp threads (default 2)
          --latency-seconds S    how long to time each variant's generated code (one thread, batch 1), after a
                                 warm-up as `bitsmith bench` does (default 3); a variant is timed once, when
                                 it has no latency.json in its folder
          --retime               time every finished variant's generated code again
          --write-sample FILE    write the first --sample-images test images with labels to FILE and exit
          --sample-images N      (default 1000)
        """;

    public static Options Parse(string[] args)
    {
        var o = new Options { CommandLine = string.Join(' ', args) };
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value.");
            int Int(int min = 1)
            {
                string v = Next();
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min
                    ? n : throw new ArgumentException($"{a}: '{v}' is not an integer >= {min}.");
            }
            double Positive() => double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && r > 0
                ? r : throw new ArgumentException($"{a} needs a positive number.");
            o = a switch
            {
                "--epochs" => o with { Epochs = Int() },
                "--batch-size" => o with { BatchSize = Int() },
                "--lr" => o with { LearningRate = Positive() },
                "--finetune-lr" => o with { FineTuneLearningRate = Positive() },
                "--quantizer-lr" => o with { QuantizerLearningRate = Positive() },
                "--search-lr" => o with { SearchLearningRate = Positive() },
                "--score-lr" => o with { ScoreLearningRate = Positive() },
                "--validation" => o with { ValidationImages = Int() },
                "--seed" => o with { Seed = Int(0) },
                "--data" => o with { DataPath = Next() },
                "--out" => o with { OutputPath = Next() },
                "--results" => o with { ResultsPath = Next() },
                "--variants" => o with { Variants = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--resume" => o with { Resume = true },
                "--train-limit" => o with { TrainLimit = Int() },
                "--test-limit" => o with { TestLimit = Int() },
                "--interpreter-images" => o with { InterpreterImages = Int(0) },
                "--ipq-finetune-steps" => o with { IpqFineTuneSteps = Int(0) },
                "--hawq-samples" => o with { HawqSamples = Int() },
                "--threads" => o with { Threads = Int() },
                "--latency-seconds" => o with { LatencySeconds = Positive() },
                "--retime" => o with { Retime = true },
                "--write-sample" => o with { WriteSamplePath = Next() },
                "--sample-images" => o with { SampleImages = Int() },
                "--help" or "-h" => o with { Help = true },
                _ => throw new ArgumentException($"Unknown option {a} (see --help)."),
            };
        }
        foreach (string v in o.Variants)
            if (Catalog.Find(v) is null)
                throw new ArgumentException($"Unknown variant '{v}'; known: {string.Join(", ", Catalog.All.Select(x => x.Name))}.");
        return o;
    }
}
