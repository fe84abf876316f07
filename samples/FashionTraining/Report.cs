using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// Writes the results (Markdown): what each paper's claim came to (<see cref="Claims"/>), then a table
/// per setting (every method on the CNN, the bit allocators on the deeper network, movement pruning's
/// transfer setting) with the generated code's latency and implementations (<see cref="VariantLatency"/>),
/// and per network two Pareto charts (<see cref="ParetoChart"/>): accuracy against weight bytes and
/// against latency.
/// </summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(string resultsPath, IReadOnlyDictionary<string, VariantResult> results,
        IReadOnlyDictionary<string, VariantLatency> latencies, Options options)
    {
        string stem = Path.ChangeExtension(resultsPath, null);
        string cnnChart = stem + "-cnn.png", mobileChart = stem + "-mobile.png";
        string cnnLatencyChart = stem + "-cnn-latency.png", mobileLatencyChart = stem + "-mobile-latency.png";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!);
        var md = new StringBuilder();
        md.AppendLine("# Fashion-MNIST results").AppendLine();
        md.AppendLine("Written by samples/FashionTraining (`dotnet run --project samples/FashionTraining -c Release -- --help` lists every");
        md.AppendLine("variant; `--resume --out DIR` continues a run and rewrites this file from every finished variant in DIR).");
        md.AppendLine(string.Format(Inv, "Every choice (the kept epoch, HAWQ-V2's calibration batch, iPQ's progress) is made on {0:N0} validation", options.ValidationImages));
        md.AppendLine("images held out of the training set (a fixed seeded draw); the test set is evaluated once per variant, at the");
        md.AppendLine("end. Test accuracy is TorchSharp's eval output; the exported ONNX file of each variant is run in the compiler's");
        md.AppendLine("reference interpreter on the first test images (\"interpreter\": its accuracy there / agreement with TorchSharp's");
        md.AppendLine("class). Weight bytes: samples/FashionTraining/ModelSize.cs (weights at their bits, float32 codebooks, 1-bit masks,");
        md.AppendLine("biases and folded BatchNorm).").AppendLine();
        Latencies(md, latencies);

        md.AppendLine("## What each paper's claim came to").AppendLine();
        foreach (string sentence in Claims.Sentences(results))
            md.AppendLine("- " + sentence);
        md.AppendLine();

        var cnn = Rows(results, v => v.Net == Networks.Cnn && v.Classes == ClassSplit.All);
        long w4Budget;
        using (var w4 = Networks.Build(Networks.Cnn, Catalog.Find(Catalog.W4a4)!.Scheme!()))
            w4Budget = ModelSize.WeightBytes(w4);
        md.AppendLine("## Every method on the CNN").AppendLine();
        md.AppendLine("The CNN of samples/FashionTraining/FashionCnn.cs (3 conv + linear, 61k weights). The W4 byte budget of mixed, hawq");
        md.AppendLine(string.Format(Inv, "and ebs is the uniform W4A4 variant's weight bytes, {0:N0} (4-bit weights, first and last layer 8-bit).", w4Budget)).AppendLine();
        Table(md, cnn, results.GetValueOrDefault(Catalog.Fp32), latencies, v => v.AtW4Budget ? w4Budget : null, layerBits: false);
        Charts(md, cnn, latencies, "CNN", "Fashion-MNIST CNN", cnnChart, cnnLatencyChart);

        var mobile = Rows(results, v => v.Net == Networks.Mobile);
        md.AppendLine("## Bit allocation on the deeper network").AppendLine();
        md.AppendLine("The depthwise-separable network of samples/FashionTraining/FashionMobileNet.cs (12 weighted layers, 19k weights), at");
        md.AppendLine("an average of 3 and 2.5 bits per weight over all its weights. Uniform 3 bits is exactly the b3 budget; no uniform");
        md.AppendLine("network has 2.5 bits, so each allocator is compared with uniform 2 and 3 bits interpolated linearly to its own bytes.");
        md.AppendLine("Activations: 4 bits, the input of the first and last layer 8 (learned mixed precision learns them under W4A4's");
        md.AppendLine("activation memory). Why each allocator chose its bits, the training curves, and what was changed and tried to");
        md.AppendLine("meet issue 10's bar: docs/bit-allocation.md.").AppendLine();
        Table(md, mobile, results.GetValueOrDefault(Catalog.Fp32Of(Networks.Mobile)), latencies, _ => null, layerBits: true);
        Charts(md, mobile, latencies, "deeper network", "Fashion-MNIST, deeper network", mobileChart, mobileLatencyChart);

        md.AppendLine("## Movement pruning in its own setting").AppendLine();
        md.AppendLine("The CNN pretrained on classes 0–4 (`source`), then fine-tuned on classes 5–9 while pruning, at a tenth of the");
        md.AppendLine("pretraining rate (`--finetune-lr`); accuracy on the test images of classes 5–9. Every layer is pruned; the cubic");
        md.AppendLine("schedule is dense for the first 10 % of the steps and reaches its sparsity at 70 %.").AppendLine();
        TransferTable(md, Rows(results, v => v.Classes != ClassSplit.All), latencies);

        var commands = results.Values.Select(r => r.Command).Distinct().ToArray();
        md.AppendLine().AppendLine("## Commands").AppendLine();
        md.AppendLine("The rows above were trained by:").AppendLine();
        foreach (string c in commands)
            md.AppendLine($"- `{c}`");

        File.WriteAllText(resultsPath, md.ToString());
        Console.WriteLine($"wrote {resultsPath}, {cnnChart}, {cnnLatencyChart}, {mobileChart} and {mobileLatencyChart}");
    }

    // How the latency column was measured, on which machines and by which commands (as stored with each variant).
    private static void Latencies(StringBuilder md, IReadOnlyDictionary<string, VariantLatency> latencies)
    {
        md.AppendLine("Latency / image: each variant's model.onnx compiled by Bitsmith with the implementations its cost model picks,");
        md.AppendLine("the generated C# built in memory as an app's build would (as `bitsmith bench` does), and single calls timed on one");
        md.AppendLine("thread (batch 1, seeded random input) for `--latency-seconds` (3 s by default) after a warm-up; the median.");
        md.AppendLine("Implementations: what the compiler's plan chose for the layers with multiply-adds (conv, Gemm), counted. Each");
        md.AppendLine("variant's numbers are from one run on a noisy machine of 2 cores shared with other work (builds, other benchmarks),");
        md.AppendLine("where two runs gave the same variant medians up to 40 % apart: smaller differences between variants can be noise.");
        md.AppendLine("A run times every finished variant that has no latency.json yet; `--retime` times them all again.");
        var machines = latencies.Values.Select(l => l.Machine).Distinct().ToArray();
        if (machines.Length > 0)
            md.AppendLine().AppendLine("Timed on " + string.Join("; and on ", machines) + ", by:").AppendLine();
        foreach (string c in latencies.Values.Select(l => l.Command).Distinct())
            md.AppendLine($"- `{c}`");
        md.AppendLine();
    }

    // Accuracy against weight bytes and against latency, each variant that has the cost on it.
    private static void Charts(StringBuilder md, (Variant Variant, VariantResult? Result)[] rows, IReadOnlyDictionary<string, VariantLatency> latencies,
        string network, string title, string bytesChart, string latencyChart)
    {
        var finished = rows.Where(r => r.Result is not null).Select(r => r.Result!).ToArray();
        md.AppendLine().AppendLine($"![{network}: accuracy against weight bytes]({Path.GetFileName(bytesChart)})").AppendLine();
        ParetoChart.Write(bytesChart, title + ": test accuracy against weight bytes", ParetoChart.WeightBytes,
            finished.Select(r => new ParetoChart.Point(r.Name, r.TestAccuracy, r.WeightBytes)).ToArray());
        md.AppendLine($"![{network}: accuracy against latency]({Path.GetFileName(latencyChart)})").AppendLine();
        ParetoChart.Write(latencyChart, title + ": test accuracy against the generated code's latency", ParetoChart.Latency,
            finished.Where(r => latencies.GetValueOrDefault(r.Name) is { Failure: null })
                .Select(r => new ParetoChart.Point(r.Name, r.TestAccuracy, latencies[r.Name].MedianMicroseconds)).ToArray());
    }

    private static (Variant Variant, VariantResult? Result)[] Rows(IReadOnlyDictionary<string, VariantResult> results, Func<Variant, bool> where) =>
        Catalog.All.Where(where).Select(v => (v, results.GetValueOrDefault(v.Name))).ToArray();

    private static void Table(StringBuilder md, (Variant Variant, VariantResult? Result)[] rows, VariantResult? fp32,
        IReadOnlyDictionary<string, VariantLatency> latencies, Func<Variant, long?> budgetOf, bool layerBits)
    {
        string bitsHeader = layerBits ? " weight bits per layer |" : "";
        md.AppendLine($"| variant | method | validation | test | kept epoch | weight bytes | compression | latency / image | bits / weight | bits / activation |{bitsHeader} interpreter | training time | implementations |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|" + (layerBits ? "---|" : "") + "---|---|---|");
        foreach (var (v, r) in rows)
        {
            if (r is null)
            {
                md.AppendLine($"| {v.Name} | {Cell(v.Description)} | not run | | | | | | {v.WeightBits} | {v.ActivationBits} |{(layerBits ? " |" : "")} | | |");
                continue;
            }
            string compression = fp32 is null ? "" : string.Format(Inv, "{0:F1}×", (double)fp32.WeightBytes / r.WeightBytes);
            string bytes = budgetOf(v) is { } b
                ? string.Format(Inv, "{0:N0} ({1:P1} of {2:N0})", r.WeightBytes, (double)r.WeightBytes / b, b)
                : r.WeightBytes.ToString("N0", Inv);
            string bits = layerBits ? " " + (r.LayerBits is { } l ? string.Join(" ", l) : "") + " |" : "";
            var latency = latencies.GetValueOrDefault(v.Name);
            md.AppendLine(string.Format(Inv, "| {0} | {1} | {2:P2} | {3:P2} | {4} of {5} | {6} | {7} | {8} | {9} | {10} |{11} {12} | {13} | {14} |",
                v.Name, Cell(v.Description), r.ValidationAccuracy, r.TestAccuracy, r.BestEpoch, r.Epochs, bytes, compression, Latency(latency), v.WeightBits, v.ActivationBits,
                bits, Interpreter(r), Trainer.Format(r.TrainSeconds), Implementations(latency)));
        }
    }

    private static void TransferTable(StringBuilder md, (Variant Variant, VariantResult? Result)[] rows, IReadOnlyDictionary<string, VariantLatency> latencies)
    {
        md.AppendLine("| variant | method | validation | test | weights kept | weight bytes | latency / image | interpreter | training time | implementations |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (v, r) in rows)
        {
            var latency = latencies.GetValueOrDefault(v.Name);
            md.AppendLine(r is null
                ? $"| {v.Name} | {Cell(v.Description)} | not run | | | | | | | |"
                : string.Format(Inv, "| {0} | {1} | {2:P2} | {3:P2} | {4} | {5:N0} | {6} | {7} | {8} | {9} |", v.Name, Cell(v.Description), r.ValidationAccuracy, r.TestAccuracy,
                    r.KeptFraction is { } k ? k.ToString("P1", Inv) : "all", r.WeightBytes, Latency(latency), Interpreter(r), Trainer.Format(r.TrainSeconds),
                    Implementations(latency)));
        }
    }

    private static string Latency(VariantLatency? l) => l is null ? "not timed"
        : l.Failure is not null ? "failed"
        : string.Format(Inv, "{0:N1} µs", l.MedianMicroseconds);

    // The mix, or why the code could not be built.
    private static string Implementations(VariantLatency? l) => l is null ? "" : l.Failure is { } failure ? Cell(failure) : l.Mix();

    // Text as one table cell: on one line, its pipes escaped (w1a1's "±mean|w|" split its row).
    private static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);

    private static string Interpreter(VariantResult r) => r.InterpreterImages == 0 ? "not run"
        : string.Format(Inv, "{0:P1} / {1:P1} of {2}", r.InterpreterAccuracy, r.InterpreterAgreement, r.InterpreterImages);
}
