using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading.Tasks;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// The differential tests (but ResNet-18's, the slow one) and the kernel tests again in a
    /// child process with the JIT limited to fewer instruction sets, so the runtime's 256-bit,
    /// 128-bit and scalar paths are checked too, and the 512-bit int8 path where AVX-VNNI would
    /// otherwise win (the default run takes the AVX-VNNI path where the CPU has it). SSE2 alone
    /// (<c>DOTNET_EnableSSE42=0</c> turns SSSE3 off too) runs the portable 128-bit shuffles that
    /// ARM64 takes where a kernel has no x86 form for them.
    /// </summary>
    public class SimdLadderTests
    {
        private static readonly string[] Methods =
        {
            typeof(DifferentialTests).FullName + "." + nameof(DifferentialTests.ConformanceModelsMatchTheInterpreter),
            typeof(DifferentialTests).FullName + "." + nameof(DifferentialTests.HandBuiltModelMatchesTheInterpreter),
            typeof(DifferentialTests).FullName + "." + nameof(DifferentialTests.DemoModelMatchesTheInterpreter),
            typeof(DifferentialTests).FullName + "." + nameof(DifferentialTests.FashionSampleModelMatchesTheInterpreter),
            typeof(DifferentialTests).FullName + "." + nameof(DifferentialTests.RandomQuantisedLayersOnTheKernelsMatchTheInterpreter),
            typeof(DifferentialTests).FullName + "." + nameof(DifferentialTests.RandomQuantisedLayersSplitAcrossThreadsMatchTheInterpreter),
            typeof(DifferentialTests).FullName + "." + nameof(DifferentialTests.MaxPoolWithNaNInputsMatchesTheInterpreterBitForBit),
            typeof(DifferentialTests).FullName + "." + nameof(DifferentialTests.RandomFloatLayersOnTheKernelsMatchTheInterpreter),
            typeof(RuntimeTests).FullName + "." + nameof(RuntimeTests.DotProductSumsEveryElementOnce),
            typeof(RuntimeTests).FullName + "." + nameof(RuntimeTests.DotProductIgnoresWhatLiesPastTheRows),
            typeof(RuntimeTests).FullName + "." + nameof(RuntimeTests.MaxPoolThreeWideStrideTwoMatchesNaiveMaxima),
            typeof(Float32KernelTests).FullName + "." + nameof(Float32KernelTests.SgemmMatchesDoubleSumsOnEveryEdge),
            typeof(BitSerialKernelTests).FullName + "." + nameof(BitSerialKernelTests.UnsignedProductsMatchNaiveDotsForEveryBitPair),
            typeof(BitSerialKernelTests).FullName + "." + nameof(BitSerialKernelTests.XnorProductsMatchNaiveSignDots),
            typeof(BitSerialKernelTests).FullName + "." + nameof(BitSerialKernelTests.PackedPlanesUnpackToTheCodesWithZeroPadding),
            typeof(PackedGemvKernelTests).FullName + "." + nameof(PackedGemvKernelTests.NarrowGemvMatchesNaiveDots),
            typeof(PackedGemvKernelTests).FullName + "." + nameof(PackedGemvKernelTests.LookupGemvMatchesNaiveDots),
            typeof(CodebookGemvKernelTests).FullName + "." + nameof(CodebookGemvKernelTests.LookupsMatchTheDenseProductWithinTheRoundingBound),
            typeof(LowBitConvKernelTests).FullName + "." + nameof(LowBitConvKernelTests.LookupsMatchTheNaiveConvolutionForEveryBitPair),
            typeof(WinogradConvKernelTests).FullName + "." + nameof(WinogradConvKernelTests.TransformedProductsMatchTheNaiveConvolution),
            typeof(RequantizeKernelTests).FullName + "." + nameof(RequantizeKernelTests.RowsTakeTheExactFormNearEveryBoundary),
            typeof(RequantizeKernelTests).FullName + "." + nameof(RequantizeKernelTests.LanesTakeTheExactFormNearEveryBoundary),
        };

        private readonly ITestOutputHelper _output;

        public SimdLadderTests(ITestOutputHelper output) => _output = output;

        /// <summary>
        /// What the child must report with <paramref name="variable"/> set to 0. Which int8 width
        /// follows from turning AVX-VNNI off depends on the host: 512 bits where it has AVX-512BW,
        /// else 256 (on a host without AVX-512 the AVX-512 cases run as the default run does).
        /// </summary>
        private static string[] ExpectedIsa(string variable) => variable switch
        {
            "DOTNET_EnableAVXVNNI" => new[] { "AvxVnni=False", Avx512BW.IsSupported && Vector512.IsHardwareAccelerated ? "Int8=Vector512;" : "Int8=Vector256;" },
            "DOTNET_EnableAVX512,DOTNET_EnableAVXVNNI" => new[] { "Vector512=False", "AvxVnni=False", "Int8=Vector256;", "BitSerial=Nibble256;", "Lookup=Vector256;", "LowBitConv=Ssse3;" },
            "DOTNET_EnableAVX512" => new[] { "Vector512=False", "BitSerial=Nibble256;", "Lookup=Vector256;", "LowBitConv=Ssse3;" },
            "DOTNET_EnableAVX2" => new[] { "Vector256=False", "Int8=Vector128;", "BitSerial=Nibble128;", "Lookup=Vector128;", "LowBitConv=Ssse3;" },
            "DOTNET_EnableSSE42" => new[] { "Vector256=False", "LowBitConv=Vector128;" },
            "DOTNET_EnableHWIntrinsic" => new[] { "Vector128=False", "Int8=scalar;", "BitSerial=Scalar;", "Lookup=scalar;", "LowBitConv=scalar;" },
            _ => throw new ArgumentOutOfRangeException(nameof(variable)),
        };

        [Theory]
        [InlineData("DOTNET_EnableAVXVNNI")]
        [InlineData("DOTNET_EnableAVX512,DOTNET_EnableAVXVNNI")]
        [InlineData("DOTNET_EnableAVX512")]
        [InlineData("DOTNET_EnableAVX2")]
        [InlineData("DOTNET_EnableSSE42")]
        [InlineData("DOTNET_EnableHWIntrinsic")]
        public async Task ConformanceModelsMatchWithFewerInstructionSets(string variable)
        {
            string report = Path.GetTempFileName();
            try
            {
                var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                start.ArgumentList.Add("exec");
                start.ArgumentList.Add(typeof(SimdLadderTests).Assembly.Location);
                foreach (var method in Methods)
                {
                    start.ArgumentList.Add("-method");
                    start.ArgumentList.Add(method);
                }
                foreach (string name in variable.Split(','))
                    start.Environment[name] = "0";
                start.Environment[DifferentialTests.IsaReportVariable] = report;
                using var child = Process.Start(start)!;
                var cancel = TestContext.Current.CancellationToken;
                var stdoutTask = child.StandardOutput.ReadToEndAsync(cancel);
                string stderr = await child.StandardError.ReadToEndAsync(cancel);
                string stdout = await stdoutTask;
                await child.WaitForExitAsync(cancel);
                _output.WriteLine(stdout + stderr);
                string isa = File.ReadAllText(report);
                _output.WriteLine($"{variable}=0: {isa}");
                Assert.True(child.ExitCode == 0, $"the differential test failed with {variable}=0:\n{stdout}\n{stderr}");
                foreach (string expected in ExpectedIsa(variable))
                    Assert.Contains(expected, isa);
            }
            finally
            {
                File.Delete(report);
            }
        }
    }
}
