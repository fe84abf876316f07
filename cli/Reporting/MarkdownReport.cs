using System.Globalization;
using System.IO;
using System.Linq;

namespace Bitsmith.Cli.Reporting
{
    /// <summary><c>report --format md</c>: the ports, a Markdown table of the layers, and the totals.</summary>
    internal static class MarkdownReport
    {
        public static void Write(TextWriter w, ReportData data)
        {
            w.WriteLine($"# {Escape(data.Model)}");
            w.WriteLine();
            foreach (var (name, type) in data.Inputs)
                w.WriteLine($"- input `{name}`: `{type}`");
            foreach (var (name, type) in data.Outputs)
                w.WriteLine($"- output `{name}`: `{type}`");
            w.WriteLine();
            w.WriteLine("| " + string.Join(" | ", ReportData.Columns) + " |");
            w.WriteLine("|" + string.Concat(ReportData.Columns.Select((c, i) => i >= 4 && i <= 7 || i == 10 ? "---:|" : "---|")));
            foreach (var layer in data.Layers)
                w.WriteLine("| " + string.Join(" | ", ReportCells.Of(layer).Select(Escape)) + " |");
            w.WriteLine();
            w.WriteLine($"{data.Layers.Count} layers, {N(data.TotalMacs)} MACs, {N(data.WeightBytes)} weight bytes (float32: {N(data.FloatWeightBytes)}; " +
                        $"packed for the kernels: {N(data.PackedWeightBytes)}), {N(data.ScratchBytes)} scratch bytes, estimated {ReportCells.Microseconds(data.TotalEstimatedMicroseconds)} µs per call on one core");
        }

        private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

        private static string Escape(string s) => s.Replace("|", "\\|");
    }
}
