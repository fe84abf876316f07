using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// The doc comment of the generated class: what model it is, its inputs and outputs, memory,
    /// and the per-layer table (node, op, shapes, MACs, weight and activation bits, implementation,
    /// weight bytes, estimated time) with the reason for each implementation.
    /// </summary>
    internal static class ModelDocumentation
    {
        public static void Write(SourceWriter w, Plan plan, Dictionary<string, PlanValue> values)
        {
            string Typed(string name) => CSharpEmitter.Xml($"{name} {values[name].Type.ShortName()}{Shape.Format(values[name].Shape.ToArray())}");
            string source = plan.SourceFile.Length > 0 ? $" ({CSharpEmitter.Xml(plan.SourceFile)})" : "";
            w.Line($"/// <summary>The model '{CSharpEmitter.Xml(plan.ModelName)}'{source}, compiled to C# by Bitsmith.</summary>");
            w.Line("/// <remarks>");
            w.Line($"/// <para>Inputs: {string.Join(", ", plan.Inputs.Select(Typed))}. Outputs: {string.Join(", ", plan.Outputs.Select(Typed))}.</para>");
            w.Line($"/// <para>Scratch arena {CSharpEmitter.Number(plan.ArenaBytes)} bytes (the most bytes live at once: {CSharpEmitter.Number(plan.ArenaLowerBound)}); weights {CSharpEmitter.Number(plan.WeightBytes)} bytes{(plan.TargetIsa.Length > 0 ? "; target " + CSharpEmitter.Xml(plan.TargetIsa) : "")}.</para>");
            w.Line("/// <para>Model explanation, one row a layer:</para>");
            w.Line("/// <code>");
            var header = new[] { "node", "op", "input", "output", "MACs", "W bits", "A bits", "implementation", "weight bytes", "est. µs" };
            var rows = plan.Steps.Select(s => new[]
            {
                s.Node, s.QualifiedOp, Shapes(s.Inputs, values), Shapes(s.Outputs, values), CSharpEmitter.Number(s.Cost.Macs),
                s.Cost.WeightBits == 0 ? "-" : CSharpEmitter.Number(s.Cost.WeightBits),
                s.Cost.ActivationBits == 0 ? "-" : CSharpEmitter.Number(s.Cost.ActivationBits),
                s.Implementation, CSharpEmitter.Number(s.Cost.WeightBytes),
                (s.Cost.EstimatedNanoseconds / 1000).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture),
            }).ToList();
            var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
            Row(w, header, widths);
            Row(w, widths.Select(n => new string('-', n)).ToArray(), widths);
            foreach (var r in rows)
                Row(w, r, widths);
            w.Line("/// </code>");
            w.Line("/// <para>Why each implementation:</para>");
            w.Line("/// <list type=\"bullet\">");
            foreach (var s in plan.Steps)
                w.Line($"/// <item><description>{CSharpEmitter.Xml(s.Node)}: {CSharpEmitter.Xml(s.Implementation)}, {CSharpEmitter.Xml(s.Reason)}.</description></item>");
            w.Line("/// </list>");
            w.Line("/// </remarks>");
        }

        /// <summary>The shapes of the non-constant values among <paramref name="names"/>.</summary>
        private static string Shapes(IEnumerable<string?> names, Dictionary<string, PlanValue> values) =>
            string.Join(" ", names.Where(n => n != null && values[n].Storage != ValueStorage.Weight)
                .Select(n => values[n!].Type.ShortName() + Shape.Format(values[n!].Shape.ToArray())));

        private static void Row(SourceWriter w, string[] cells, int[] widths)
        {
            var line = string.Join("  ", cells.Select((c, i) => i >= 4 && i != 7 ? c.PadLeft(widths[i]) : c.PadRight(widths[i])));
            w.Line("/// " + CSharpEmitter.Xml(line.TrimEnd()));
        }
    }
}
