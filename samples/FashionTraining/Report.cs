using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>Writes the results table (Markdown) and the accuracy-versus-bytes chart (PNG, ScottPlot, headless).</summary>
internal static class Report
{
    public static void Write(string resultsPath, IReadOnlyDictionary<string, VariantResult> results, Options options)
    {
        var inv = CultureInfo.InvariantCulture;
        string chartPath = Path.ChangeExtension(resultsPath, null) + "-accuracy-vs-bytes.png";
        var fp32 = results.GetValueOrDefault(Catalog.Fp32);
        var md = new StringBuilder();
        md.AppendLine("# Fashion-MNIST results").AppendLine();
        md.AppendLine("Written by samples/FashionTraining. Every choice (the kept epoch, HAWQ-V2's calibration batch, iPQ's progress) is");
        md.AppendLine(string.Format(inv, "made on {0:N0} validation images held out of the training set (a fixed seeded draw); the test set is", options.ValidationImages));
        md.AppendLine("evaluated once per variant, at the end. Test accuracy is TorchSharp's eval output on the test images listed;");
        md.AppendLine("the exported ONNX file of each variant is run in the compiler's reference interpreter on the first images");
        md.AppendLine("of the test set (\"interpreter\": its accuracy there / agreement with TorchSharp's class). Weight bytes: see");
        md.AppendLine("samples/FashionTraining/ModelSize.cs (weights at their bits, codebooks, masks, biases and folded BatchNorm).").AppendLine();
        long budget;
        using (var w4 = Networks.Build(options.Net, Catalog.Find(Catalog.W4a4)!.Scheme!()))
            budget = ModelSize.WeightBytes(w4);
        md.AppendLine(string.Format(inv, "The W4 byte budget of mixed, hawq and ebs is the uniform W4A4 variant's weight bytes, {0:N0} (4-bit weights,", budget));
        md.AppendLine("first and last layer 8-bit); their weight bytes column shows the share of it they use. The -b3 and -b2.5 variants");
        md.AppendLine(string.Format(inv, "allocate within an average of 3 and 2.5 bits per weight instead. Network: {0}.", options.Net)).AppendLine();
        md.AppendLine("| variant | method | validation accuracy | test accuracy | test images | kept epoch | weight bytes | compression | bits / weight | bits / activation | interpreter | training time | command |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var v in Catalog.All)
        {
            if (results.TryGetValue(v.Name, out var r))
            {
                string compression = fp32 is null ? "" : string.Format(inv, "{0:F1}×", (double)fp32.WeightBytes / r.WeightBytes);
                string interpreter = r.InterpreterImages == 0 ? "not run"
                    : string.Format(inv, "{0:P1} / {1:P1} of {2}", r.InterpreterAccuracy, r.InterpreterAgreement, r.InterpreterImages);
                md.AppendLine(string.Format(inv, "| {0} | {1} | {2:P2} | {3:P2} | {4} | {5} of {6} | {7} | {8} | {9} | {10} | {11} | {12} | `{13}` |",
                    v.Name, v.Description, r.ValidationAccuracy, r.TestAccuracy, r.TestImages, r.BestEpoch, r.Epochs,
                    WeightBytes(r, v.AtW4Budget ? budget : null), compression, v.WeightBits, v.ActivationBits, interpreter, Trainer.Format(r.TrainSeconds), r.Command));
            }
            else
                md.AppendLine($"| {v.Name} | {v.Description} | not run | | | | | | {v.WeightBits} | {v.ActivationBits} | | | |");
        }
        md.AppendLine().AppendLine($"![accuracy against weight bytes]({Path.GetFileName(chartPath)})");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!);
        File.WriteAllText(resultsPath, md.ToString());
        // The chart compares the ten-class models; the transfer variants are measured on classes 5-9 only.
        WriteChart(chartPath, results.Values.Where(r => Catalog.Find(r.Name)?.Classes == ClassSplit.All).ToArray());
        Console.WriteLine($"wrote {resultsPath} and {chartPath}");
    }

    private static string WeightBytes(VariantResult r, long? budget) => budget is { } b
        ? string.Format(CultureInfo.InvariantCulture, "{0:N0} ({1:P1} of the W4 budget {2:N0})", r.WeightBytes, (double)r.WeightBytes / b, b)
        : r.WeightBytes.ToString("N0", CultureInfo.InvariantCulture);

    private static void WriteChart(string path, VariantResult[] results)
    {
        var plot = new ScottPlot.Plot();
        // Bytes span three orders of magnitude: plot log10(bytes) and label the ticks in bytes.
        double[] xs = results.Select(r => Math.Log10(r.WeightBytes)).ToArray();
        double[] ys = results.Select(r => 100 * r.TestAccuracy).ToArray();
        var points = plot.Add.ScatterPoints(xs, ys);
        points.MarkerSize = 9;
        // Variants that land on (nearly) the same point share one label, or their names overprint.
        var groups = new List<List<int>>();
        for (int i = 0; i < results.Length; i++)
        {
            var near = groups.FirstOrDefault(g => Math.Abs(xs[g[0]] - xs[i]) < 0.02 && Math.Abs(ys[g[0]] - ys[i]) < 0.15);
            if (near is null)
                groups.Add(new List<int> { i });
            else
                near.Add(i);
        }
        foreach (var group in groups)
        {
            int i = group[0];
            var label = plot.Add.Text(string.Join(", ", group.Select(j => results[j].Name)), xs[i], ys[i]);
            label.LabelFontSize = 12;
            label.OffsetX = 6;
            label.OffsetY = -6;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = x => FormatBytes(Math.Pow(10, x)),
        };
        plot.Title("Fashion-MNIST: test accuracy against weight bytes");
        plot.XLabel("weight bytes (log scale)");
        plot.YLabel("test accuracy (%)");
        if (xs.Length > 0)
            plot.Axes.SetLimits(xs.Min() - 0.3, xs.Max() + 0.5, ys.Min() - 1, Math.Min(100, ys.Max() + 1));
        plot.SavePng(path, 900, 560);
    }

    private static string FormatBytes(double bytes) =>
        bytes >= 1e6 ? (bytes / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " MB"
        : bytes >= 1e3 ? (bytes / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + " KB"
        : bytes.ToString("0", CultureInfo.InvariantCulture) + " B";
}
