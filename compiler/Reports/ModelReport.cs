using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Reports
{
    /// <summary>The compiled summary of a model: inputs, outputs, a row per layer, totals.</summary>
    public static class ModelReport
    {
        public static IReadOnlyList<LayerSummary> Layers(Graph graph) => graph.Nodes.Select(LayerSummary.Of).ToList();

        public static string Render(Graph graph)
        {
            var layers = Layers(graph);
            var sb = new StringBuilder();
            sb.Append("model ").Append(graph.SourcePath ?? graph.Name).Append('\n');
            foreach (var v in graph.Inputs)
                sb.Append("  input  ").Append(v.Name).Append(": ").Append(v.TypeString()).Append('\n');
            foreach (var v in graph.Outputs)
                sb.Append("  output ").Append(v.Name).Append(": ").Append(v.TypeString()).Append('\n');
            sb.Append('\n');

            var header = new[] { "node", "op", "input", "output", "MACs", "W bits", "A bits", "weight bytes", "note" };
            var rows = layers.Select(l => new[]
            {
                l.Node, l.Op, l.InputShape, l.OutputShape, Num(l.Macs),
                l.WeightBits == 0 ? "-" : Num(l.WeightBits), l.ActivationBits == 0 ? "-" : Num(l.ActivationBits),
                Num(l.WeightBytes), l.Note,
            }).ToList();
            var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
            AppendRow(sb, header, widths);
            AppendRow(sb, widths.Select(w => new string('-', w)).ToArray(), widths);
            foreach (var r in rows)
                AppendRow(sb, r, widths);

            long weightBytes = graph.Constants().Sum(LayerSummary.PackedBytes);
            long floatBytes = graph.Constants().Sum(c => (long)Shape.Size(c.Shape) * 4);
            sb.Append('\n');
            sb.Append("layers ").Append(Num(layers.Count))
              .Append(", MACs ").Append(Num(layers.Sum(l => l.Macs)))
              .Append(", weight bytes ").Append(Num(weightBytes))
              .Append(" (f32 would be ").Append(Num(floatBytes)).Append(")\n");
            return sb.ToString();
        }

        private static void AppendRow(StringBuilder sb, string[] cells, int[] widths)
        {
            var line = new StringBuilder("  ");
            for (int i = 0; i < cells.Length; i++)
            {
                bool numeric = i >= 4 && i <= 7;
                line.Append(numeric ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i])).Append("  ");
            }
            sb.Append(line.ToString().TrimEnd()).Append('\n');
        }

        private static string Num(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
    }
}
