using System.IO;
using System.Linq;

namespace Bitsmith.Cli.Reporting
{
    /// <summary><c>report --format csv</c>: a header row and a row per layer (RFC 4180 quoting), nothing else.</summary>
    internal static class CsvReport
    {
        public static void Write(TextWriter w, ReportData data)
        {
            w.Write(string.Join(",", ReportData.Columns) + "\r\n");
            foreach (var layer in data.Layers)
                w.Write(string.Join(",", ReportCells.Of(layer).Select(Quote)) + "\r\n");
        }

        private static string Quote(string cell) =>
            cell.IndexOfAny(new[] { ',', '"', '\r', '\n' }) < 0 ? cell : "\"" + cell.Replace("\"", "\"\"") + "\"";
    }
}
