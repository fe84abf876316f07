using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Bitsmith.Compiler.Ir;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// Generated code against the reference interpreter on the same optimised graphs and inputs:
    /// every ONNX backend test the interpreter passes, hand-built quantised graphs, the demo
    /// model and ResNet-18. Integers must match bit for bit, floats within 1e-5 relative.
    /// </summary>
    public class DifferentialTests : IClassFixture<GeneratedModels>
    {
        /// <summary>Set by <see cref="SimdLadderTests"/> for its child runs: where to write the instruction sets this process sees.</summary>
        public const string IsaReportVariable = "BITSMITH_ISA_REPORT";

        private readonly GeneratedModels _models;
        private readonly ITestOutputHelper _output;

        public DifferentialTests(GeneratedModels models, ITestOutputHelper output)
        {
            _models = models;
            _output = output;
        }

        /// <summary>What this process can run: the vector widths the kernels pick from.</summary>
        public static string Isa => string.Create(CultureInfo.InvariantCulture,
            $"Vector512={Vector512.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector128={Vector128.IsHardwareAccelerated} Avx512F={Avx512F.IsSupported} Avx2={Avx2.IsSupported} AvxVnni={AvxVnni.IsSupported} Int8={Bitsmith.Runtime.Kernels.Int8.Dot4.Path}; BitSerial={Bitsmith.Runtime.Kernels.BitSerial.BitSerialGemv.Form}; Lookup={Bitsmith.Runtime.Kernels.Lookup.LookupGemv.Path}; LowBitConv={Bitsmith.Runtime.Kernels.Lookup.LowBitConv.Path};");

        [Fact]
        public void ConformanceModelsMatchTheInterpreter()
        {
            _output.WriteLine(Isa);
            string? report = Environment.GetEnvironmentVariable(IsaReportVariable);
            if (!string.IsNullOrEmpty(report))
                File.WriteAllText(report, Isa);

            var failures = new List<string>();
            var perOp = new SortedDictionary<string, (int Run, int Passed)>(StringComparer.Ordinal);
            foreach (var c in _models.Conformance)
            {
                string? problem = Differential.Check(_models.Assembly, c);
                if (problem != null)
                    failures.Add($"{c.Name}: {problem}");
                foreach (var op in c.Graph.Nodes.Select(n => n.OpType).Distinct())
                {
                    var (run, passed) = perOp.GetValueOrDefault(op);
                    perOp[op] = (run + 1, passed + (problem == null ? 1 : 0));
                }
            }
            var table = new StringBuilder();
            table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{_models.Conformance.Count} conformance models, {_models.Conformance.Count - failures.Count} match the interpreter"));
            foreach (var (op, (run, passed)) in perOp)
                table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {op,-24} {run,4} run {passed,4} passed"));
            _output.WriteLine(table.ToString());
            Assert.True(failures.Count == 0, string.Join("\n\n", failures));
            Assert.True(_models.Conformance.Count >= 100, $"only {_models.Conformance.Count} conformance models ran");
        }

        public static TheoryData<string> HandBuilt => new TheoryData<string>(HandBuiltModels.All().Select(c => c.Name));

        [Theory]
        [MemberData(nameof(HandBuilt))]
        public void HandBuiltModelMatchesTheInterpreter(string name) => AssertMatches(_models.HandBuilt.Single(c => c.Name == name));

        /// <summary>iPQ's layers (a codebook conv, then the BatchNormalization and Relu no pass can fold into codes) on kernels, not the scalar loops.</summary>
        [Fact]
        public void CodebookConvAndItsNormAndReluRunOnKernels()
        {
            var c = _models.HandBuilt.Single(m => m.Name == "hand-built/codebook_conv");
            AssertMatches(c);
            var used = _models.Assembly.Model(c.Name).Compiled.Plan.Steps.ToDictionary(s => s.Node, s => s.Implementation);
            Assert.Equal("sconv_f32_8x32", used["conv"]);
            Assert.Equal("batchnorm_f32_vec", used["norm"]);
            Assert.Equal("relu_f32_vec", used["relu"]);
        }

        [Fact]
        public void DemoModelMatchesTheInterpreter() => AssertMatches(Demo());

        [Fact]
        public void FashionSampleModelMatchesTheInterpreter() =>
            AssertMatches(_models.Fashion.Case ?? throw new InvalidOperationException("Fashion-MNIST sample model: " + _models.Fashion.Problem));

        /// <summary>
        /// The random layers of <see cref="KernelPropertyModels"/> and <see cref="FloatKernelPropertyModels"/> emitted with every layer that can
        /// split split into tiles: the tile code on one thread against the interpreter, and on 2
        /// and 3 threads (uneven ranges) byte for byte against one thread.
        /// </summary>
        [Fact]
        public void RandomQuantisedLayersSplitAcrossThreadsMatchTheInterpreter()
        {
            var failures = new List<string>();
            var split = new SortedDictionary<string, int>(StringComparer.Ordinal);
            int channelSplitRows = 0;
            using var two = new LayerThreads(2);
            using var three = new LayerThreads(3);
            foreach (var c in _models.SplitKernelProperties)
            {
                string? problem = Differential.Check(_models.Assembly, c);
                if (problem != null)
                {
                    failures.Add($"{c.Name}: {problem}");
                    continue;
                }
                var model = _models.Assembly.Model(c.Name);
                if (!model.Source.Contains("TileLoop.Run", StringComparison.Ordinal))
                    continue;
                string implementation = model.Compiled.Plan.Steps.Single(s => s.Op != "Identity").Implementation;
                split[implementation] = split.GetValueOrDefault(implementation) + 1;
                if (implementation.StartsWith("qconv_u8s8_rows", StringComparison.Ordinal) && model.Source.Contains("int channels = n1 - n0", StringComparison.Ordinal))
                    channelSplitRows++;
                foreach (var inputs in c.InputSets)
                {
                    var one = model.Run(inputs);
                    foreach (var threads in new[] { two, three })
                    {
                        var many = model.Run(inputs, threads: threads);
                        for (int o = 0; o < one.Length; o++)
                            if (OutputComparison.CompareBits(c.Graph.Outputs[o].Name, one[o], many[o]) is string difference)
                                failures.Add($"{c.Name}, {threads.Degree} threads against one: {difference}\n{GeneratedAssembly.Numbered(model.Source)}");
                    }
                }
            }
            _output.WriteLine(string.Join("\n", split.Select(u => $"{u.Key}: {u.Value} layers split")));
            Assert.True(failures.Count == 0, string.Join("\n\n", failures));
            int Split(params string[] implementations) => implementations.Sum(i => split.GetValueOrDefault(i));
            Assert.True(Split("qconv_u8s8_c4_4x64", "qconv_u8s8_c4_exact16_4x64") >= 8, "too few split c4 convs");
            Assert.True(Split("sgemv_codebook16_lut_32") >= 2, "too few split codebook GEMVs");
            Assert.True(Split(KernelPropertyModels.LowBitConvImplementation) >= 4, "too few split low-bit convs");
            Assert.True(Split("qconv_u8s8_rows_4x16c4", "qconv_u8s8_rows_4x16c4_exact16") >= 4, "too few split im2col-rows convs");
            Assert.True(channelSplitRows >= 1 && channelSplitRows < Split("qconv_u8s8_rows_4x16c4", "qconv_u8s8_rows_4x16c4_exact16"), $"{channelSplitRows} im2col-rows convs split their channels: both splits must be tested");
            Assert.True(Split("qgemv_u8s8_16c4", "qgemv_u8s8_16c4_exact16") >= 4, "too few split GEMVs");
            foreach (var family in new[] { "qdwconv_u8s8_f32fma_16", "qdwconv_u8s8_f32fma_c16", "qdwconv_u8s8_f32fma_masked16", "sconv_f32_8x32", "sgemm_f32_8x32" })
                Assert.True(Split(family) >= 2, $"too few split {family} layers");
        }

        [Fact]
        public void ResNet18MatchesTheInterpreter()
        {
            var c = _models.ResNet18.Case ?? throw new InvalidOperationException("ResNet-18: " + _models.ResNet18.Problem);
            AssertMatches(c);
            var plan = _models.Assembly.Model(c.Name).Compiled.Plan;
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ResNet-18: arena {plan.ArenaBytes} bytes, lower bound {plan.ArenaLowerBound}, ratio {(double)plan.ArenaBytes / plan.ArenaLowerBound:F3}"));
        }

        /// <summary>
        /// Every random Conv and Gemm of <see cref="KernelPropertyModels"/> bit for bit against the
        /// interpreter, and most of them on a kernel: those forced to the exact form on it, the
        /// others on whichever kernel the proofs and the cost model allow.
        /// </summary>
        [Fact]
        public void RandomQuantisedLayersOnTheKernelsMatchTheInterpreter()
        {
            _output.WriteLine(Isa);
            var failures = new List<string>();
            var used = new SortedDictionary<string, int>(StringComparer.Ordinal);
            int singlePrecision = 0, compactRows = 0, lanesSinglePrecision = 0;
            var bitSerialWidths = new HashSet<(long Weights, long Activations)>();
            var lowBitConvWidths = new HashSet<(long Weights, long Activations)>();
            var winogradWidths = new HashSet<long>();
            foreach (var c in _models.KernelProperties)
            {
                string? problem = Differential.Check(_models.Assembly, c);
                if (problem != null)
                    failures.Add($"{c.Name}: {problem}");
                var step = _models.Assembly.Model(c.Name).Compiled.Plan.Steps.Single(s => s.Op != "Identity");
                used[step.Implementation] = used.GetValueOrDefault(step.Implementation) + 1;
                if (step.Packed.Any(p => p.Name == "multipliers"))
                    singlePrecision++;
                if (_models.Assembly.Model(c.Name).Source.Contains("PatchPacker.GatherKernelRows", StringComparison.Ordinal))
                    compactRows++;
                if (_models.Assembly.Model(c.Name).Source.Contains("LanesToPlanes.Codes", StringComparison.Ordinal))
                    lanesSinglePrecision++;
                foreach (var forced in c.Options.StrategyOverrides.Values)
                    Assert.Equal(forced, step.Implementation);
                if (step.Implementation == KernelPropertyModels.BitSerialImplementation)
                    bitSerialWidths.Add((step.Int("weight-bits"), step.Int("activation-bits")));
                if (step.Implementation == KernelPropertyModels.LowBitConvImplementation)
                    lowBitConvWidths.Add((step.Int("weight-bits"), step.Int("activation-bits")));
                if (step.Implementation == KernelPropertyModels.WinogradConvImplementation)
                    winogradWidths.Add(step.Int("activation-bits"));
            }
            _output.WriteLine(string.Join("\n", used.Select(u => $"{u.Key}: {u.Value} cases")));
            _output.WriteLine($"{singlePrecision} layers requantise in single precision (proven per channel), {lanesSinglePrecision} of them with channels in lanes");
            Assert.True(failures.Count == 0, string.Join("\n\n", failures));
            var kernels = Bitsmith.Compiler.Lowering.Implementations.ImplementationRegistry.Kernels.Select(k => k.Name).ToHashSet();
            int onKernels = used.Where(u => kernels.Contains(u.Key)).Sum(u => u.Value);
            Assert.True(onKernels >= _models.KernelProperties.Count * 9 / 10, $"only {onKernels} of {_models.KernelProperties.Count} random layers ran on a kernel");
            Assert.Contains(used.Keys, k => k == "qconv_u8s8_c4_4x64");
            Assert.Contains(used.Keys, k => k == "qgemv_u8s8_16c4");
            Assert.True(used.GetValueOrDefault("qdwconv_u8s8_f32fma_16") >= 4, "too few layers on the phased depthwise kernel");
            Assert.True(used.GetValueOrDefault("qdwconv_u8s8_f32fma_masked16") >= 4, "too few layers on the masked depthwise kernel");
            Assert.True(used.GetValueOrDefault("qdwconv_u8s8_f32fma_c16") >= 4, "too few layers on the channels-in-lanes depthwise kernel");
            Assert.True(used.GetValueOrDefault("qconv_u8s8_rows_4x16c4") + used.GetValueOrDefault("qconv_u8s8_rows_4x16c4_exact16") >= 4, "too few layers on the im2col-rows kernels");
            Assert.True(compactRows >= KernelPropertyModels.CompactRowsCases / 2, $"only {compactRows} layers on compact im2col rows");
            Assert.True(lanesSinglePrecision >= 3, $"only {lanesSinglePrecision} channels-in-lanes layers requantise in single precision");
            Assert.Equal(KernelPropertyModels.BinaryCases, used.GetValueOrDefault("qadd_u8_vec"));
            Assert.Equal(KernelPropertyModels.PoolCases, used.GetValueOrDefault("maxpool_8bit_2d"));
            Assert.Equal(KernelPropertyModels.AverageCases, used.GetValueOrDefault("gap_8bit_vec"));
            Assert.True(singlePrecision >= 5, $"only {singlePrecision} layers took the single-precision epilogue");
            // Every pair of widths from 1 to 8 bits ran on the bit-serial GEMV, at the width the compiler proved.
            Assert.Equal(KernelPropertyModels.BitSerialCases, used.GetValueOrDefault(KernelPropertyModels.BitSerialImplementation));
            Assert.Equal(64, bitSerialWidths.Count(w => w.Weights is >= 1 and <= 8 && w.Activations is >= 1 and <= 8));
            // Every pair of widths the low-bit conv takes ran on it, at the widths the compiler proved (binary weights as one bit).
            Assert.True(used.GetValueOrDefault(KernelPropertyModels.LowBitConvImplementation) >= KernelPropertyModels.LowBitConvCases);
            Assert.Equal(KernelPropertyModels.LowBitConvWidths.Select(w => ((long)w.Weights, (long)w.Activations)).OrderBy(w => w), lowBitConvWidths.OrderBy(w => w));
            // The Winograd conv ran its forced cases, at every activation width it takes.
            Assert.True(used.GetValueOrDefault(KernelPropertyModels.WinogradConvImplementation) >= KernelPropertyModels.WinogradConvCases);
            Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, winogradWidths.OrderBy(w => w));
            // Each packed GEMV ran its forced cases (and any layer the cost model gave it).
            foreach (var (implementation, _) in KernelPropertyModels.PackedGemvImplementations)
                Assert.True(used.GetValueOrDefault(implementation) >= KernelPropertyModels.PackedGemvCasesEach, $"{implementation}: {used.GetValueOrDefault(implementation)} cases");
        }

        /// <summary>
        /// f32 MaxPools on inputs a third NaN (<see cref="MaxPoolNaNModels"/>), on the loop nest and
        /// the 2-D kernel, bit for bit against the interpreter: NaN payloads, signs of zero and
        /// the value of windows with no tap inside the input included.
        /// </summary>
        [Fact]
        public void MaxPoolWithNaNInputsMatchesTheInterpreterBitForBit()
        {
            var failures = new List<string>();
            int nanOutputs = 0, outputs = 0;
            var inputNaNs = new HashSet<int>();
            foreach (var c in _models.MaxPoolNaN)
            {
                inputNaNs.UnionWith(c.InputSets.SelectMany(set => set[0].Floats).Where(float.IsNaN).Select(BitConverter.SingleToInt32Bits));
                if (_models.Assembly.TryGetProblem(c.Name, out string problem))
                {
                    failures.Add($"{c.Name}: {problem}");
                    continue;
                }
                var model = _models.Assembly.Model(c.Name);
                Assert.Equal(c.Options.StrategyOverrides["pool"], model.Compiled.Plan.Steps.Single(s => s.Op == "MaxPool").Implementation);
                foreach (var inputs in c.InputSets)
                {
                    var expected = Differential.Expected(c, inputs);
                    var actual = model.Run(inputs);
                    for (int o = 0; o < expected.Length; o++)
                    {
                        string? difference = OutputComparison.CompareBits(c.Graph.Outputs[o].Name, expected[o], actual[o]);
                        if (difference != null)
                            failures.Add($"{c.Name}: {difference}");
                    }
                    outputs += expected[0].Length;
                    nanOutputs += expected[0].Floats.Count(float.IsNaN);
                }
            }
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_models.MaxPoolNaN.Count} MaxPool models, {outputs} outputs, {nanOutputs} of them NaN"));
            Assert.True(failures.Count == 0, string.Join("\n", failures));
            Assert.Equal(MaxPoolNaNModels.NaNBits.Order(), inputNaNs.Order());
            // The inputs must reach both sides of the rules: windows that keep a NaN and windows that drop one.
            Assert.InRange(nanOutputs, outputs / 20, outputs / 2);
        }

        /// <summary>
        /// Every random float Gemm, MatMul and Conv of <see cref="FloatKernelPropertyModels"/> against
        /// the interpreter within rounding relative to <c>Σ|a·b|</c> (the kernels sum in float in
        /// their own order; the codebook GEMV's tables round on purpose, within
        /// <see cref="FloatKernelPropertyModels.CodebookSumTolerance"/>), and nearly all of them on the
        /// f32 kernels (a Gemm whose C varies along the rows is left to the loops), every codebook Gemm
        /// on the codebook GEMV.
        /// </summary>
        [Fact]
        public void RandomFloatLayersOnTheKernelsMatchTheInterpreter()
        {
            _output.WriteLine(Isa);
            var failures = new List<string>();
            var used = new SortedDictionary<string, int>(StringComparer.Ordinal);
            int blocked = 0, shorterLast = 0;
            foreach (var c in _models.FloatKernelProperties)
            {
                string? problem = Differential.Check(_models.Assembly, c);
                if (problem != null)
                    failures.Add($"{c.Name}: {problem}");
                var model = _models.Assembly.Model(c.Name);
                var step = model.Compiled.Plan.Steps.Single(s => s.Op != "Identity");
                used[step.Implementation] = used.GetValueOrDefault(step.Implementation) + 1;
                if (model.Source.Contains("firstRow: y0", StringComparison.Ordinal))
                    blocked++;
                if (model.Source.Contains("firstRow: y0, rows: rows", StringComparison.Ordinal))
                    shorterLast++;
            }
            _output.WriteLine(string.Join("\n", used.Select(u => $"{u.Key}: {u.Value} cases")));
            _output.WriteLine($"{blocked} convs in more than one im2col block, {shorterLast} with a shorter last block");
            Assert.True(failures.Count == 0, string.Join("\n\n", failures));
            Assert.Equal(FloatKernelPropertyModels.ConvCases + FloatKernelPropertyModels.BlockedConvCases, used.GetValueOrDefault("sconv_f32_8x32"));
            Assert.True(blocked >= FloatKernelPropertyModels.BlockedConvCases && shorterLast > 0, $"only {blocked} convs ran in more than one im2col block, {shorterLast} with a shorter last one");
            Assert.True(used.GetValueOrDefault("sgemm_f32_8x32") >= FloatKernelPropertyModels.GemmCases * 3 / 4,
                $"only {used.GetValueOrDefault("sgemm_f32_8x32")} of {FloatKernelPropertyModels.GemmCases} random Gemm and MatMul layers ran on sgemm_f32_8x32");
            Assert.Equal(FloatKernelPropertyModels.CodebookGemmCases, used.GetValueOrDefault("sgemv_codebook16_lut_32"));
        }

        private ModelCase Demo() => _models.Demo.Case ?? throw new InvalidOperationException("demo model: " + _models.Demo.Problem);

        private void AssertMatches(ModelCase c)
        {
            string? problem = Differential.Check(_models.Assembly, c);
            Assert.True(problem == null, $"{c.Name}: {problem}");
        }
    }
}
