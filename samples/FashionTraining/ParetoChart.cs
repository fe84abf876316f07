using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// Test accuracy against a cost (weight bytes, or the generated code's latency per image; log
/// scale), one line per method through its budgets, and the Pareto front (no other variant is both
/// cheaper and more accurate) dashed: the curve a user picks a model from. PNG through ScottPlot,
/// headless.
/// </summary>
internal static class ParetoChart
{
    /// <summary>One variant on a chart: its test accuracy (a fraction) and its cost on the x axis.</summary>
    public readonly record struct Point(string Name, double TestAccuracy, double Cost);

    /// <summary>What the x axis measures: its label, and how a tick's cost is written.</summary>
    public sealed record Axis(string Label, Func<double, string> Format);

    public static readonly Axis WeightBytes = new("weight bytes (log scale)", FormatBytes);

    public static readonly Axis Latency = new("latency per image, batch 1, one thread (log scale)", FormatMicroseconds);

    public static void Write(string path, string title, Axis axis, IReadOnlyList<Point> points)
    {
        var plot = new ScottPlot.Plot();
        // Costs span orders of magnitude: plot log10(cost) and label the ticks in the cost's unit.
        static double X(Point p) => Math.Log10(p.Cost);
        static double Y(Point p) => 100 * p.TestAccuracy;
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0;
        foreach (var family in points.GroupBy(p => Family(p.Name)))
        {
            var line = family.OrderBy(p => p.Cost).ToArray();
            var scatter = plot.Add.Scatter(line.Select(X).ToArray(), line.Select(Y).ToArray(), palette.GetColor(colour++));
            scatter.MarkerSize = 8;
            scatter.LineWidth = line.Length > 1 ? 1.5f : 0;
            scatter.LegendText = family.Key;
            foreach (var p in line)
            {
                var label = plot.Add.Text(Short(p.Name), X(p), Y(p));
                label.LabelFontSize = 10;
                label.OffsetX = 5;
                label.OffsetY = -5;
            }
        }
        var front = Front(points);
        if (front.Length > 1)
        {
            var dashed = plot.Add.Scatter(front.Select(X).ToArray(), front.Select(Y).ToArray(), ScottPlot.Colors.Gray);
            dashed.MarkerSize = 0;
            dashed.LinePattern = ScottPlot.LinePattern.Dashed;
            dashed.LegendText = "Pareto front";
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = x => axis.Format(Math.Pow(10, x)) };
        plot.Title(title);
        plot.XLabel(axis.Label);
        plot.YLabel("test accuracy (%)");
        plot.ShowLegend(ScottPlot.Edge.Right);   // beside the data: a slow, less accurate variant sits where a corner legend would hide it
        if (points.Count > 0)
        {
            double[] xs = points.Select(X).ToArray(), ys = points.Select(Y).ToArray();
            plot.Axes.SetLimits(xs.Min() - 0.15, xs.Max() + 0.35, ys.Min() - 1, Math.Min(100, ys.Max() + 1));
        }
        plot.SavePng(path, 1000, 620);
    }

    /// <summary>The variants no other beats on both cost and accuracy, by cost.</summary>
    public static Point[] Front(IEnumerable<Point> points)
    {
        var front = new List<Point>();
        foreach (var p in points.OrderBy(p => p.Cost).ThenByDescending(p => p.TestAccuracy))
        {
            if (front.Count == 0 || p.TestAccuracy > front[^1].TestAccuracy)
                front.Add(p);
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

    private static string FormatMicroseconds(double microseconds) =>
        microseconds >= 1e3 ? (microseconds / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + " ms"
        : microseconds.ToString("0.#", CultureInfo.InvariantCulture) + " µs";
}
