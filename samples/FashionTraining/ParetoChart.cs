using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// Test accuracy against weight bytes (log scale), one line per method through its budgets, and the
/// Pareto front (no other variant is both smaller and more accurate) dashed: the curve a user picks
/// a model from. PNG through ScottPlot, headless.
/// </summary>
internal static class ParetoChart
{
    public static void Write(string path, string title, IReadOnlyList<VariantResult> results)
    {
        var plot = new ScottPlot.Plot();
        // Bytes span orders of magnitude: plot log10(bytes) and label the ticks in bytes.
        static double X(VariantResult r) => Math.Log10(r.WeightBytes);
        static double Y(VariantResult r) => 100 * r.TestAccuracy;
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0;
        foreach (var family in results.GroupBy(r => Family(r.Name)))
        {
            var points = family.OrderBy(r => r.WeightBytes).ToArray();
            var line = plot.Add.Scatter(points.Select(X).ToArray(), points.Select(Y).ToArray(), palette.GetColor(colour++));
            line.MarkerSize = 8;
            line.LineWidth = points.Length > 1 ? 1.5f : 0;
            line.LegendText = family.Key;
            foreach (var r in points)
            {
                var label = plot.Add.Text(Short(r.Name), X(r), Y(r));
                label.LabelFontSize = 10;
                label.OffsetX = 5;
                label.OffsetY = -5;
            }
        }
        var front = Front(results);
        if (front.Length > 1)
        {
            var dashed = plot.Add.Scatter(front.Select(X).ToArray(), front.Select(Y).ToArray(), ScottPlot.Colors.Gray);
            dashed.MarkerSize = 0;
            dashed.LinePattern = ScottPlot.LinePattern.Dashed;
            dashed.LegendText = "Pareto front";
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = x => FormatBytes(Math.Pow(10, x)) };
        plot.Title(title);
        plot.XLabel("weight bytes (log scale)");
        plot.YLabel("test accuracy (%)");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        if (results.Count > 0)
        {
            double[] xs = results.Select(X).ToArray(), ys = results.Select(Y).ToArray();
            plot.Axes.SetLimits(xs.Min() - 0.15, xs.Max() + 0.35, ys.Min() - 1, Math.Min(100, ys.Max() + 1));
        }
        plot.SavePng(path, 1000, 620);
    }

    /// <summary>The variants no other beats on both bytes and accuracy, by bytes.</summary>
    public static VariantResult[] Front(IEnumerable<VariantResult> results)
    {
        var front = new List<VariantResult>();
        foreach (var r in results.OrderBy(r => r.WeightBytes).ThenByDescending(r => r.TestAccuracy))
        {
            if (front.Count == 0 || r.TestAccuracy > front[^1].TestAccuracy)
                front.Add(r);
        }
        return front.ToArray();
    }

    /// <summary>The method a variant belongs to, whose budgets one line joins.</summary>
    public static string Family(string name)
    {
        string n = Short(name);
        return n switch
        {
            Catalog.Fp32 => "fp32",
            "w8a8" or "w4a4" or "w2a2" => "uniform (LSQ, LSQ+)",
            _ when n.StartsWith("uniform", StringComparison.Ordinal) => "uniform (LSQ+)",
            _ when n.StartsWith("mixed", StringComparison.Ordinal) => "learned mixed precision",
            _ when n.StartsWith("hawq", StringComparison.Ordinal) => "HAWQ-V2",
            _ when n.StartsWith("ebs", StringComparison.Ordinal) => "EBS",
            _ when n.StartsWith("ipq", StringComparison.Ordinal) => n.EndsWith("-qn", StringComparison.Ordinal) ? "iPQ + Quant-Noise" : "iPQ",
            "movement" or "magnitude" => n + " pruning + int8",
            "w1a1" => "binary weights",
            _ => n,
        };
    }

    private static string Short(string name) =>
        name.StartsWith(Catalog.MobilePrefix, StringComparison.Ordinal) ? name[Catalog.MobilePrefix.Length..] : name;

    private static string FormatBytes(double bytes) =>
        bytes >= 1e6 ? (bytes / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " MB"
        : bytes >= 1e3 ? (bytes / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + " KB"
        : bytes.ToString("0", CultureInfo.InvariantCulture) + " B";
}
