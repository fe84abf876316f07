using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Bitsmith.Cli.Tests
{
    /// <summary><c>report</c> on the shipped model in each format: the same layers and columns, with the lowering's choices and estimates.</summary>
    public class ReportCommandTests
    {
        private static readonly string[] Columns =
        {
            "node", "op", "input", "output", "macs", "weight_bits", "activation_bits", "weight_bytes", "implementation", "reason", "estimated_us", "note",
        };

        [Fact]
        public void MarkdownHasAHeaderARowPerLayerAndTheTotals()
        {
            var run = CliRun.Of("report", Repo.FashionModel);
            Assert.True(run.ExitCode == 0, run.ToString());
            var lines = run.Out.Split('\n');
            Assert.Contains("| " + string.Join(" | ", Columns) + " |", lines);
            var rows = lines.Where(l => l.StartsWith("| l", System.StringComparison.Ordinal) || l.StartsWith("| output", System.StringComparison.Ordinal)).ToList();
            Assert.Equal(12, rows.Count);
            Assert.Contains(rows, r => r.StartsWith("| l5 | Conv | u8[1,32,14,14] | u8[1,64,14,14] | 3612672 | 4 | 4 | 9472 | qconv_", System.StringComparison.Ordinal));
            Assert.Contains("12 layers, 5,650,560 MACs, 32,234 weight bytes", run.Out);
            Assert.Contains("- input `input`: `f32[1,1,28,28]`", lines);
        }

        [Fact]
        public void StrategyOverridesALayersImplementationOrSaysWhichApply()
        {
            var run = CliRun.Of("report", Repo.FashionModel, "--strategy", "l5=qconv_u8s8_c4_exact16_4x64");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains(run.Out.Split('\n'), l => l.StartsWith("| l5 | Conv |", System.StringComparison.Ordinal) && l.Contains("| qconv_u8s8_c4_exact16_4x64 |"));

            var wrong = CliRun.Of("report", Repo.FashionModel, "--strategy", "l5=qgemv_u8s8_16c4");
            Assert.NotEqual(0, wrong.ExitCode);
            Assert.Contains("node 'l5' (Conv)", wrong.Error);
            Assert.Contains("it can use", wrong.Error);

            var malformed = CliRun.Of("report", Repo.FashionModel, "--strategy", "l5");
            Assert.Equal(2, malformed.ExitCode);
            Assert.Contains("--strategy: StrategyOverrides entries are 'node=implementation', got 'l5'", malformed.Error);
        }

        [Fact]
        public void CsvIsAHeaderAndOneRowPerLayerWithEveryColumn()
        {
            var run = CliRun.Of("report", Repo.FashionModel, "--format", "csv");
            Assert.True(run.ExitCode == 0, run.ToString());
            var records = ParseCsv(run.Out);
            Assert.Equal(Columns, records[0]);
            Assert.Equal(13, records.Count);
            Assert.All(records, r => Assert.Equal(Columns.Length, r.Count));
            var conv = records.Single(r => r[0] == "l5");
            Assert.Equal("u8[1,32,14,14]", conv[2]);
            Assert.Equal("3612672", conv[4]);
            Assert.StartsWith("qconv_", conv[8]);
            Assert.Contains("estimated", conv[9]);
            Assert.True(double.Parse(conv[10], System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Equal("+Relu", conv[11]);
        }

        [Fact]
        public void JsonHasThePortsTheLayersAndTheTotals()
        {
            var run = CliRun.Of("report", Repo.FashionModel, "--format", "json");
            Assert.True(run.ExitCode == 0, run.ToString());
            using var doc = JsonDocument.Parse(run.Out);
            var root = doc.RootElement;
            Assert.Equal("fashion-mixed.onnx", root.GetProperty("model").GetString());
            Assert.Equal("input", root.GetProperty("inputs")[0].GetProperty("name").GetString());
            var layers = root.GetProperty("layers").EnumerateArray().ToList();
            Assert.Equal(12, layers.Count);
            Assert.All(layers, l => Assert.Equal(Columns, l.EnumerateObject().Select(p => p.Name)));
            Assert.Equal(5650560, layers.Sum(l => l.GetProperty("macs").GetInt64()));
            var totals = root.GetProperty("totals");
            Assert.Equal(5650560, totals.GetProperty("macs").GetInt64());
            Assert.Equal(32234, totals.GetProperty("weight_bytes").GetInt64());
            Assert.True(totals.GetProperty("packed_weight_bytes").GetInt64() >= 32234);
            Assert.True(totals.GetProperty("scratch_bytes").GetInt64() > 0);
            double sum = layers.Sum(l => l.GetProperty("estimated_us").GetDouble());
            Assert.InRange(totals.GetProperty("estimated_us").GetDouble(), sum - 0.05, sum + 0.05);
        }

        /// <summary>RFC 4180 records (quoted cells may hold commas and doubled quotes).</summary>
        private static List<List<string>> ParseCsv(string text)
        {
            var records = new List<List<string>>();
            var record = new List<string>();
            var cell = new StringBuilder();
            bool quoted = false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else cell.Append(c);
                }
                else if (c == '"') quoted = true;
                else if (c == ',') { record.Add(cell.ToString()); cell.Clear(); }
                else if (c == '\r') { }
                else if (c == '\n') { record.Add(cell.ToString()); cell.Clear(); records.Add(record); record = new List<string>(); }
                else cell.Append(c);
            }
            return records;
        }
    }
}
