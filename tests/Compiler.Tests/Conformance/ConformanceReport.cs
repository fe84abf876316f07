using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Bitsmith.Compiler.Tests.Conformance
{
    /// <summary>The markdown table of conformance results: per op, tests run and passed; then what was not run and why.</summary>
    public static class ConformanceReport
    {
        public const string BeginMarker = "<!-- conformance:begin -->";
        public const string EndMarker = "<!-- conformance:end -->";

        public static string Render(IReadOnlyList<CaseResult> results)
        {
            var sb = new StringBuilder();
            var run = results.Where(r => r.Outcome != CaseOutcome.NotApplicable).ToList();
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{run.Count} test directories run, {run.Count(r => r.Outcome == CaseOutcome.Passed)} passed, {run.Count(r => r.Outcome == CaseOutcome.Failed)} failed; {results.Count - run.Count} not run."));
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{run.Count(r => r.Detail.Contains(ConformanceRunner.FixedInputsNote))} of the tests run had their integer inputs fixed at compile time."));
            sb.AppendLine();
            sb.AppendLine("| op | tests run | passed |");
            sb.AppendLine("|---|---:|---:|");
            foreach (var op in run.SelectMany(r => r.Ops).Distinct().OrderBy(o => o, StringComparer.Ordinal))
            {
                var withOp = run.Where(r => r.Ops.Contains(op)).ToList();
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {op} | {withOp.Count} | {withOp.Count(r => r.Outcome == CaseOutcome.Passed)} |"));
            }
            var failed = run.Where(r => r.Outcome == CaseOutcome.Failed).ToList();
            if (failed.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("Failed:");
                sb.AppendLine();
                foreach (var f in failed)
                    sb.AppendLine($"- `{f.Suite}/{f.Name}`: {f.Detail}");
            }
            sb.AppendLine();
            sb.AppendLine("Not run (the first unsupported op, or why the test is outside the supported set):");
            sb.AppendLine();
            foreach (var group in results.Where(r => r.Outcome == CaseOutcome.NotApplicable).GroupBy(r => r.Detail).OrderBy(g => g.Key, StringComparer.Ordinal))
                sb.AppendLine($"- {group.Key}: {string.Join(", ", group.Select(r => r.Suite == "node" ? r.Name : r.Suite + "/" + r.Name))}");
            return sb.ToString();
        }

        /// <summary>Replaces the text between the markers of <paramref name="path"/> (or writes the file).</summary>
        public static void WriteInto(string path, string report)
        {
            string body = BeginMarker + "\n" + report + EndMarker;
            if (File.Exists(path))
            {
                string text = File.ReadAllText(path);
                int b = text.IndexOf(BeginMarker, StringComparison.Ordinal), e = text.IndexOf(EndMarker, StringComparison.Ordinal);
                if (b >= 0 && e > b)
                {
                    File.WriteAllText(path, text.Substring(0, b) + body + text.Substring(e + EndMarker.Length));
                    return;
                }
            }
            File.WriteAllText(path, body + "\n");
        }
    }
}
