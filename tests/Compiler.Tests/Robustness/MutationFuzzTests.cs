using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Xunit;

namespace Bitsmith.Compiler.Tests.Robustness
{
    /// <summary>
    /// Mutants of real models through import, the pass pipeline and the reference
    /// interpreter: the only exception allowed out is <see cref="ModelException"/>, naming
    /// the file; no mutant may take more than <see cref="MaxTimePerMutant"/> or allocate more
    /// than <see cref="MaxBytesPerMutant"/>. Seeded and reproducible: a failure names the
    /// seed and mutant index and saves the mutant. BITSMITH_FUZZ_SEED and
    /// BITSMITH_FUZZ_MUTANTS change the seed and count for longer local runs;
    /// BITSMITH_FUZZ_FIRST=I with BITSMITH_FUZZ_MUTANTS=1 reruns mutant I alone.
    /// </summary>
    public class MutationFuzzTests
    {
        public const int DefaultSeed = 20261127;
        public const int DefaultMutants = 50000;
        // Catches runaway work (the slowest mutant takes well under 1 s), with room for a
        // machine loaded by the other test assemblies running beside this one.
        public static readonly TimeSpan MaxTimePerMutant = TimeSpan.FromSeconds(5);
        public const long MaxBytesPerMutant = 512L << 20;

        /// <summary>Mutants whose inputs are larger are imported but not run: the interpreter is simple, not fast.</summary>
        public const int MaxInputElements = 100_000;

        /// <summary>The same for all intermediate values together (a mutated broadcast or pool can legally be huge).</summary>
        public const long MaxValueElements = 4_000_000;

        private const int MaxReportedFailures = 20;

        private readonly ITestOutputHelper _output;

        public MutationFuzzTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void MutantsOfRealModelsFailOnlyWithModelException()
        {
            int seed = EnvInt("BITSMITH_FUZZ_SEED", DefaultSeed);
            int count = EnvInt("BITSMITH_FUZZ_MUTANTS", DefaultMutants);
            int first = EnvInt("BITSMITH_FUZZ_FIRST", 0);
            var corpus = FuzzCorpus.Load();
            var run = new FuzzRun(seed, corpus);

            var total = Stopwatch.StartNew();
            Exception? crashed = null;
            var worker = new Thread(() =>
            {
                try
                {
                    for (int i = first; i < first + count; i++)
                        run.Mutant(i);
                }
                catch (Exception e)
                {
                    crashed = e;
                }
            })
            { IsBackground = true, Name = "fuzz" };
            worker.Start();
            // A hung mutant cannot be stopped, but it must fail the test, not hang CI.
            while (!worker.Join(250))
            {
                var (index, since) = run.Current;
                if (since.Elapsed > TimeSpan.FromSeconds(30))
                    Assert.Fail($"seed {seed} mutant {index} ({run.Describe(index)}) has run for {since.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s: it hangs (saved as {run.Save(index)})");
            }
            if (crashed != null)
                throw new InvalidOperationException("the fuzz harness itself failed", crashed);

            _output.WriteLine($"seed {seed}: {count} mutants of {corpus.Count} models in {total.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            _output.WriteLine(run.Summary());
            var problems = run.Failures.GroupBy(f => f.Key).Select(g => g.First().Text + (g.Count() > 1 ? $"\n  ({g.Count()} mutants like this)" : "")).ToList();
            Assert.True(problems.Count == 0,
                $"{run.Failures.Count} mutants failed with {problems.Count} distinct problems (seed {seed}; the first mutant of each below):\n\n"
                + string.Join("\n\n", problems.Take(MaxReportedFailures)));
        }

        private static int EnvInt(string name, int defaultValue) =>
            int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : defaultValue;

        /// <summary>The state of one fuzz run; mutants run on the worker thread, <see cref="Current"/> is read by the watchdog.</summary>
        private sealed class FuzzRun
        {
            private readonly int _seed;
            private readonly List<SeedModel> _corpus;
            private readonly Dictionary<string, int> _outcomes = new Dictionary<string, int>();
            private readonly Dictionary<string, int> _problems = new Dictionary<string, int>();
            private readonly Dictionary<string, int> _ranBySeed = new Dictionary<string, int>();
            private volatile int _current = -1;
            private volatile Stopwatch _since = Stopwatch.StartNew();
            private long _slowestTicks;
            private long _mostBytes;

            public FuzzRun(int seed, List<SeedModel> corpus)
            {
                _seed = seed;
                _corpus = corpus;
            }

            public List<(string Key, string Text)> Failures { get; } = new List<(string, string)>();

            public (int Index, Stopwatch Since) Current => (_current, _since);

            /// <summary>Mutant <paramref name="index"/> of this seed: every choice comes from a generator seeded by both.</summary>
            public (SeedModel Seed, byte[] Bytes, string Description, Random Rng) Make(int index)
            {
                var rng = new Random(unchecked(_seed * 1_000_003 + index));
                var seedModel = _corpus[index % _corpus.Count];
                var (bytes, description) = ModelMutator.Mutate(seedModel, rng);
                return (seedModel, bytes, description, rng);
            }

            public string Describe(int index)
            {
                var m = Make(index);
                return $"{m.Seed.Name}: {m.Description}";
            }

            public string Save(int index)
            {
                string dir = Path.Combine(Path.GetTempPath(), "bitsmith-fuzz");
                Directory.CreateDirectory(dir);
                string path = Path.Combine(dir, $"seed{_seed}-mutant{index}.onnx");
                File.WriteAllBytes(path, Make(index).Bytes);
                return path;
            }

            public void Mutant(int index)
            {
                var (seedModel, bytes, description, rng) = Make(index);
                string source = $"{seedModel.Name}#{index}.onnx";
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                _since = Stopwatch.StartNew();
                _current = index;
                string outcome;
                Exception? escaped = null;
                try
                {
                    outcome = Exercise(bytes, source, rng);
                }
                catch (ModelException e)
                {
                    outcome = "rejected at import";
                    Count(_problems, ProblemKind(e.Problem));
                    if (!e.Message.Contains(source) || e.Problem.Length == 0)
                        escaped = new InvalidOperationException($"ModelException does not name the file or the problem: \"{e.Message}\"", e);
                    else if (IsInternal(e))
                        escaped = new InvalidOperationException($"the importer let a broken model through to the verifier: \"{e.Message}\"", e);
                }
                catch (Exception e)
                {
                    outcome = "escaped";
                    escaped = e;
                }
                var elapsed = _since.Elapsed;
                long bytesUsed = GC.GetAllocatedBytesForCurrentThread() - allocated;
                _slowestTicks = Math.Max(_slowestTicks, elapsed.Ticks);
                _mostBytes = Math.Max(_mostBytes, bytesUsed);
                Count(_outcomes, outcome);
                Count(_ranBySeed, seedModel.Name + (outcome == "imported and ran" ? " ran" : ""));

                string where = $"seed {_seed} mutant {index} ({seedModel.Name}: {description})";
                if (escaped != null)
                    Fail(index, escaped.GetType().Name + " at " + TopFrame(escaped), $"{where} threw {escaped}");
                if (elapsed > MaxTimePerMutant)
                    Fail(index, "slow " + seedModel.Name, $"{where} took {elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s (limit {MaxTimePerMutant.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s)");
                if (bytesUsed > MaxBytesPerMutant)
                    Fail(index, "memory " + seedModel.Name, $"{where} allocated {bytesUsed >> 20} MiB (limit {MaxBytesPerMutant >> 20} MiB)");
            }

            /// <summary>Import, passes, then two interpreter runs (zeros, random values) when the model is small enough to run.</summary>
            private string Exercise(byte[] bytes, string source, Random rng)
            {
                var graph = OnnxImporter.Load(bytes, source);
                try
                {
                    Pipeline.Run(graph);
                }
                catch (ModelException e)
                {
                    if (IsInternal(e))
                        throw new InvalidOperationException($"a pass broke an imported graph: \"{e.Message}\"", e);
                    if (!e.Message.Contains(source))
                        throw new InvalidOperationException($"pipeline ModelException does not name the file: \"{e.Message}\"", e);
                    Count(_problems, "pipeline: " + ProblemKind(e.Problem));
                    return "rejected by the pipeline";
                }
                if (graph.Inputs.Sum(v => (long)Shape.Size(v.Shape)) > MaxInputElements
                    || graph.Nodes.SelectMany(n => n.Outputs).Sum(v => (long)Shape.Size(v.Shape)) > MaxValueElements)
                    return "imported, too large to run";
                bool zerosRan = Interpret(graph, source, graph.Inputs.ToDictionary(v => v.Name, v => Tensor.Zeros(v.Type, v.Shape)));
                bool randomRan = Interpret(graph, source, graph.Inputs.ToDictionary(v => v.Name, v => RandomTensor(v, rng)));
                return zerosRan && randomRan ? "imported and ran" : "imported, failed at run time";
            }

            private bool Interpret(Graph graph, string source, Dictionary<string, Tensor> inputs)
            {
                try
                {
                    ReferenceInterpreter.Run(graph, inputs);
                    return true;
                }
                catch (ModelException e)
                {
                    if (!e.Message.Contains(source))
                        throw new InvalidOperationException($"run-time ModelException does not name the file: \"{e.Message}\"", e);
                    Count(_problems, "run: " + ProblemKind(e.Problem));
                    return false;
                }
            }

            /// <summary>
            /// The verifier guards the compiler's own invariants: a bad model must be reported by the
            /// importer or an op's type rule, in the user's terms, before the verifier sees it.
            /// </summary>
            private static bool IsInternal(ModelException e) => e.Problem.StartsWith("verifier:", StringComparison.Ordinal);

            /// <summary>Values that reach the edges: extremes of integer types, NaN and infinities among small floats.</summary>
            private static Tensor RandomTensor(Value v, Random rng)
            {
                var t = Tensor.Zeros(v.Type, v.Shape);
                for (int i = 0; i < t.Length; i++)
                {
                    if (v.Type.IsFloat())
                        t.SetDouble(i, rng.Next(50) == 0 ? new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity }[rng.Next(3)] : rng.NextDouble() * 8 - 4);
                    else if (v.Type == ElementType.Bool)
                        t.SetInt64(i, rng.Next(2));
                    else
                        t.SetInt64(i, rng.Next(8) switch { 0 => v.Type.MinValue(), 1 => v.Type.MaxValue(), 2 => -1, _ => rng.Next(-4, 5) });
                }
                return t;
            }

            private void Fail(int index, string key, string text)
            {
                if (Failures.Count(f => f.Key == key) == 0)
                    text += $"\n  mutant saved as {Save(index)}; rerun it alone with BITSMITH_FUZZ_SEED={_seed} BITSMITH_FUZZ_FIRST={index} BITSMITH_FUZZ_MUTANTS=1";
                Failures.Add((key, text));
            }

            private static string TopFrame(Exception e)
            {
                var frame = new StackTrace(e, false).GetFrames()?.FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("Bitsmith", StringComparison.Ordinal) == true);
                var m = frame?.GetMethod();
                return m == null ? "?" : m.DeclaringType!.Name + "." + m.Name;
            }

            /// <summary>The problem without its quoted names and numbers, to count rejections by kind.</summary>
            private static string ProblemKind(string problem)
            {
                var words = problem.Split(' ').Where(w => !w.Contains('\'') && !w.Any(char.IsDigit)).Take(7);
                return string.Join(" ", words);
            }

            private static void Count(Dictionary<string, int> counts, string key) =>
                counts[key] = counts.TryGetValue(key, out int n) ? n + 1 : 1;

            public string Summary()
            {
                var lines = new List<string> { "outcomes:" };
                lines.AddRange(_outcomes.OrderByDescending(kv => kv.Value).Select(kv => $"  {kv.Value,7}  {kv.Key}"));
                lines.Add($"slowest mutant {TimeSpan.FromTicks(_slowestTicks).TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms, most allocated {_mostBytes >> 10} KiB");
                lines.Add("mutants that imported and ran, by seed model:");
                lines.AddRange(_corpus.Select(s => $"  {(_ranBySeed.TryGetValue(s.Name + " ran", out int r) ? r : 0),7} of {(_ranBySeed.TryGetValue(s.Name, out int n) ? n : 0) + r,-7} {s.Name}"));
                lines.Add("most frequent problems:");
                lines.AddRange(_problems.OrderByDescending(kv => kv.Value).Take(40).Select(kv => $"  {kv.Value,7}  {kv.Key}"));
                return string.Join("\n", lines);
            }
        }
    }
}
