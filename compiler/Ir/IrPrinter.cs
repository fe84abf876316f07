using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Bitsmith.Compiler.Ir
{
    /// <summary>
    /// The readable text form of a graph, one line a value:
    /// <code>
    /// %conv1: u8[1,16,14,14] q(s=0.02, zp=0, bits=8) = Conv(%x, %w1, %b1) {pads=[1,1,1,1]} +Relu   # conv1
    /// </code>
    /// Used by tests, by the CLI's dump, and in bug reports.
    /// </summary>
    public static class IrPrinter
    {
        public static string Print(Graph graph)
        {
            var sb = new StringBuilder();
            string opsets = string.Join(", ", graph.Opsets.OrderBy(o => o.Key, System.StringComparer.Ordinal)
                .Select(o => (o.Key.Length == 0 ? "ai.onnx" : o.Key) + " " + o.Value.ToString(CultureInfo.InvariantCulture)));
            sb.Append("graph ").Append(graph.Name.Length > 0 ? graph.Name : "(unnamed)").Append(" (").Append(opsets).Append(")\n");
            foreach (var v in graph.Inputs)
                sb.Append("  input ").Append(v).Append('\n');
            foreach (var c in graph.Constants().Concat(graph.Outputs.Where(o => o.IsConstant)).Distinct())
                sb.Append("  const ").Append(c).Append(Summary(c)).Append('\n');
            foreach (var n in graph.Nodes)
                sb.Append("  ").Append(Line(n)).Append('\n');
            foreach (var v in graph.Outputs)
                sb.Append("  output %").Append(v.Name).Append('\n');
            return sb.ToString();
        }

        /// <summary>One node, as printed in the dump.</summary>
        public static string Line(Node n)
        {
            var sb = new StringBuilder();
            sb.Append(string.Join(", ", n.Outputs.Select(o => o.ToString())));
            sb.Append(" = ");
            if (n.Domain.Length > 0)
                sb.Append(n.Domain).Append('.');
            sb.Append(n.OpType).Append('(');
            sb.Append(string.Join(", ", n.Inputs.Select(i => i == null ? "_" : "%" + i.Name)));
            sb.Append(')');
            if (n.Attributes.Count > 0)
                sb.Append(" {").Append(string.Join(", ", n.Attributes.OrderBy(a => a.Key, System.StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value))).Append('}');
            if (n.Activation != null)
                sb.Append(" +").Append(n.Activation);
            if (n.Outputs.Count == 0 || n.Name != n.Outputs[0].Name)
                sb.Append("   # ").Append(n.Name);
            return sb.ToString();
        }

        private static string Summary(Value c)
        {
            if (c.Constant == null || c.Constant.Length == 0)
                return "";
            var t = c.Constant;
            if (t.Length <= 8)
                return " = {" + string.Join(", ", Enumerable.Range(0, t.Length).Select(i => t.GetDouble(i).ToString("R", CultureInfo.InvariantCulture))) + "}";
            double min = double.MaxValue, max = double.MinValue;
            for (int i = 0; i < t.Length; i++)
            {
                double d = t.GetDouble(i);
                if (d < min) min = d;
                if (d > max) max = d;
            }
            return " in [" + min.ToString("G6", CultureInfo.InvariantCulture) + ", " + max.ToString("G6", CultureInfo.InvariantCulture) + "]";
        }
    }
}
