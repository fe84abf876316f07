using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// The generator on damaged plans: the demo model's plan truncated, with lines dropped,
    /// swapped or repeated, numbers replaced, names and keywords exchanged (a seeded fuzzer, the
    /// same cases every run). The header's hash is recomputed so each case reaches the plan reader
    /// and the emitter. Whatever the damage, the generator must not throw (Roslyn's CS8785 would
    /// drop every class): it generates the class or reports one BSM diagnostic at the attribute.
    /// </summary>
    public class PlanFuzzTests
    {
        public const int Cases = 600;

        private const string Class = """
            namespace App { [Bitsmith.CompiledModel("models/demo.onnx")] public static partial class DemoNet; }
            """;

        private static readonly string[] Numbers = { "0", "-1", "1", "7", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "1e40", "NaN", "-Infinity", "0.5", "", "x", "99999999999999999999" };

        [Fact]
        public void DamagedPlansGiveADiagnosticNeverAnException()
        {
            var compilation = GeneratorHarness.Compilation(Class);
            var outcomes = new Dictionary<string, int>();
            var random = new Random(20261204);
            for (int n = 0; n < Cases; n++)
            {
                string plan = Mutate(GeneratorHarness.DemoPlan, random, out string mutation);
                var result = GeneratorHarness.Driver(("models/demo.onnx", plan)).RunGenerators(compilation, TestContext.Current.CancellationToken).GetRunResult();
                var run = result.Results.Single();
                Assert.True(run.Exception == null, $"case {n} ({mutation}): the generator threw {run.Exception}");
                Assert.All(result.Diagnostics, d => Assert.StartsWith("BSM", d.Id));
                if (run.GeneratedSources.Length == 1)
                {
                    Assert.Empty(result.Diagnostics);
                    Count(outcomes, "generated");
                }
                else
                {
                    var diagnostic = Assert.Single(result.Diagnostics);
                    Assert.Empty(run.GeneratedSources);
                    Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
                    Count(outcomes, diagnostic.Id);
                }
            }
            // Damage must be found as a damaged plan (BSM1004: the reader, or the generator's
            // consistency check), not reach the emitter as an unexplained failure (BSM1005).
            // 508 BSM1004 and 92 generated of 600 when written (docs/reliability.md); the few
            // BSM1005 allowed leave room for emitter changes, not for a reader regression.
            string summary = string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"));
            Assert.True(outcomes.GetValueOrDefault("BSM1004") > Cases * 3 / 4, summary);
            Assert.True(outcomes.GetValueOrDefault("BSM1005") <= Cases / 200, summary);
        }

        [Fact]
        public void PlanChangedAfterTheBuildIsReportedAsDamaged()
        {
            string file = GeneratorHarness.PlanFile("models/demo.onnx", GeneratorHarness.DemoPlan).Replace("arena ", "arena 1");
            var driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
                new[] { new ModelGenerator().AsSourceGenerator() }, new AdditionalText[] { new TestAdditionalText("/project/obj/bitsmith/demo.bsplan", file) },
                new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp13), new TestOptions(GeneratorHarness.ProjectDirectory));
            var result = driver.RunGenerators(GeneratorHarness.Compilation(Class), TestContext.Current.CancellationToken).GetRunResult();

            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("BSM1004", diagnostic.Id);
            Assert.Contains("SHA-256", diagnostic.GetMessage(CultureInfo.InvariantCulture));
            Assert.Empty(result.GeneratedTrees);
        }

        private static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

        /// <summary>One random damage of the plan; <paramref name="what"/> names it for a failure message.</summary>
        private static string Mutate(string plan, Random random, out string what)
        {
            var lines = plan.Split('\n').ToList();
            int line = random.Next(lines.Count);
            switch (random.Next(7))
            {
                case 0:
                    int cut = random.Next(plan.Length);
                    what = $"truncated at {cut}";
                    return plan.Substring(0, cut);
                case 1:
                    what = $"line {line} dropped";
                    lines.RemoveAt(line);
                    break;
                case 2:
                    int other = random.Next(lines.Count);
                    what = $"lines {line} and {other} swapped";
                    (lines[line], lines[other]) = (lines[other], lines[line]);
                    break;
                case 3:
                    what = $"line {line} repeated";
                    lines.Insert(line, lines[line]);
                    break;
                case 4:
                {
                    var numbers = Regex.Matches(lines[line], @"-?\d+(\.\d+)?(e-?\d+)?").ToList();
                    if (numbers.Count == 0)
                        goto case 1;
                    var m = numbers[random.Next(numbers.Count)];
                    string replacement = random.Next(3) == 0 ? (long.Parse(m.Value.Split('.', 'e')[0], CultureInfo.InvariantCulture) + random.Next(-3, 4)).ToString(CultureInfo.InvariantCulture) : Numbers[random.Next(Numbers.Length)];
                    what = $"line {line}: number '{m.Value}' at {m.Index} became '{replacement}'";
                    lines[line] = lines[line].Substring(0, m.Index) + replacement + lines[line].Substring(m.Index + m.Length);
                    break;
                }
                case 5:
                {
                    var names = Regex.Matches(plan, "\"[^\"]*\"").Select(m => m.Value).Distinct().ToList();
                    var inLine = Regex.Matches(lines[line], "\"[^\"]*\"").ToList();
                    if (inLine.Count == 0)
                        goto case 3;
                    var m = inLine[random.Next(inLine.Count)];
                    string replacement = names[random.Next(names.Count)];
                    what = $"line {line}: name {m.Value} became {replacement}";
                    lines[line] = lines[line].Substring(0, m.Index) + replacement + lines[line].Substring(m.Index + m.Length);
                    break;
                }
                default:
                {
                    var words = Regex.Matches(lines[line], @"(?<=\s|^)[A-Za-z][A-Za-z0-9-]*(?=\s|$)").ToList();
                    var all = Regex.Matches(plan, @"(?<=\s|^)[A-Za-z][A-Za-z0-9-]*(?=\s|$)").Select(m => m.Value).Distinct().ToList();
                    if (words.Count == 0)
                        goto case 2;
                    var m = words[random.Next(words.Count)];
                    string replacement = all[random.Next(all.Count)];
                    what = $"line {line}: word '{m.Value}' became '{replacement}'";
                    lines[line] = lines[line].Substring(0, m.Index) + replacement + lines[line].Substring(m.Index + m.Length);
                    break;
                }
            }
            return string.Join("\n", lines);
        }
    }
}
