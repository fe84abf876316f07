using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Bitsmith.Cli.Tests;
using Xunit;

namespace Bitsmith.Samples.FashionTraining.Tests;

/// <summary>The results written with the latency and implementation columns and the accuracy-against-latency charts.</summary>
public sealed class ReportTests : IDisposable
{
    private readonly TempDirectory _dir = new("bitsmith-report");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TablesCarryEachVariantsLatencyAndImplementationsAndTheLatencyChartsAreWrittenAndLinked()
    {
        const string command = "dotnet run --project samples/FashionTraining -c Release -- --retime";
        var timed = GeneratedCodeLatency.Measure(Repo.FashionModel, TimeSpan.FromSeconds(0.2), command);
        var failed = timed with { MedianMicroseconds = 0, P90Microseconds = 0, Calls = 0, LayerImplementations = Array.Empty<string>(), Failure = "model.onnx: node 'l5' (Conv): a | problem" };
        var results = new Dictionary<string, VariantResult>
        {
            ["fp32"] = Result("fp32", 0.92, 246_056),
            ["w4a4"] = Result("w4a4", 0.91, 35_032),
            ["mixed"] = Result("mixed", 0.90, 31_324),
            ["source"] = Result("source", 0.95, 246_056),
        };
        var latencies = new Dictionary<string, VariantLatency> { ["fp32"] = timed, ["w4a4"] = timed, ["mixed"] = failed };
        string path = Path.Combine(_dir.Path, "results.md");

        Report.Write(path, results, latencies, new Options());

        string md = File.ReadAllText(path);
        var lines = md.Split('\n');
        string Row(string variant) => lines.Single(l => l.StartsWith($"| {variant} |", StringComparison.Ordinal));
        string cnnHeader = lines.First(l => l.StartsWith("| variant |", StringComparison.Ordinal));
        var columns = Cells(cnnHeader).ToList();
        int latency = columns.IndexOf("latency / image"), implementations = columns.IndexOf("implementations");
        Assert.True(latency > 0 && implementations > 0, cnnHeader);

        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:N1} µs", timed.MedianMicroseconds), Cells(Row("fp32"))[latency]);
        Assert.Equal(timed.Mix(), Cells(Row("fp32"))[implementations]);
        Assert.Contains("qconv", timed.Mix(), StringComparison.Ordinal);
        Assert.Equal("failed", Cells(Row("mixed"))[latency]);
        Assert.Contains("node 'l5' (Conv): a \\| problem", Row("mixed"), StringComparison.Ordinal);
        Assert.Equal("", Cells(Row("w8a8"))[latency]);   // not run
        Assert.Contains("not timed", Row("source"), StringComparison.Ordinal);
        // Every row of every table has its header's columns (a pipe inside a cell would add one).
        foreach (var table in Tables(lines))
            Assert.All(table.Skip(1), row => Assert.Equal(Cells(table[0]).Length, Cells(row).Length));

        Assert.Contains($"Timed on {MachineDescription.Current}, by:", md, StringComparison.Ordinal);
        Assert.Contains($"- `{command}`", md, StringComparison.Ordinal);
        foreach (var (chart, alt) in new[] { ("results-cnn-latency.png", "CNN"), ("results-mobile-latency.png", "deeper network") })
        {
            Assert.Contains($"![{alt}: accuracy against latency]({chart})", md, StringComparison.Ordinal);
            Assert.True(new FileInfo(Path.Combine(_dir.Path, chart)).Length > 1000, chart);
        }
    }

    [Fact]
    public void TheFrontKeepsTheVariantsNoFasterOneBeatsOnAccuracy()
    {
        var points = new[] { new ParetoChart.Point("fp32", 0.92, 180), new ParetoChart.Point("w4a4", 0.91, 60), new ParetoChart.Point("ipq10", 0.90, 1600), new ParetoChart.Point("w2a2", 0.905, 55) };

        Assert.Equal(new[] { "w2a2", "w4a4", "fp32" }, ParetoChart.Front(points).Select(p => p.Name));
    }

    private static VariantResult Result(string name, double accuracy, long bytes) =>
        new(name, accuracy, 10_000, accuracy, 5_000, 8, bytes, 61_344, 60, 8, 55_000, 200, accuracy, 1, accuracy, "dotnet run --project samples/FashionTraining -c Release -- --variants " + name);

    // A row's cells: split at the pipes that are not escaped.
    private static string[] Cells(string row) => Regex.Split(row.Trim()[1..^1], @"(?<!\\)\|").Select(c => c.Trim()).ToArray();

    // The Markdown tables: runs of lines that start with '|', the separator line dropped.
    private static IEnumerable<string[]> Tables(string[] lines)
    {
        var table = new List<string>();
        foreach (string line in lines.Append(""))
        {
            if (line.StartsWith('|'))
            {
                if (!line.StartsWith("|---", StringComparison.Ordinal))
                    table.Add(line);
                continue;
            }
            if (table.Count > 0)
                yield return table.ToArray();
            table.Clear();
        }
    }
}
