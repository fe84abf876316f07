using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// The differential tests (but ResNet-18's, the slow one) and the kernel tests again in a
    /// child process with the JIT limited to fewer instruction sets, so the runtime's 256-bit,
    /// 128-bit and scalar paths are checked too, and the 512-bit int8 path where AVX-VNNI would
    /// otherwise win (the default run takes the AVX-VNNI path where the CPU has it).
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
            typeof(DifferentialTests).FullName + "." + nameof(DifferentialTests.MaxPoolWithNaNInputsMatchesTheInterpreterBitForBit),
            typeof(DifferentialTests).FullName + "." + nameof(DifferentialTests.RandomFloatLayersOnTheKernelsMatchTheInterpreter),
            typeof(RuntimeTests).FullName + "." + nameof(RuntimeTests.DotProductSumsEveryElementOnce),
            typeof(RuntimeTests).FullName + "." + nameof(RuntimeTests.DotProductIgnoresWhatLiesPastTheRows),
            typeof(Float32KernelTests).FullName + "." + nameof(Float32KernelTests.SgemmMatchesDoubleSumsOnEveryEdge),
        };

        private readonly ITestOutputHelper _output;

        public SimdLadderTests(ITestOutputHelper output) => _output = output;

        [Theory]
        [InlineData("DOTNET_EnableAVXVNNI", "Int8=Vector512;")]
        [InlineData("DOTNET_EnableAVX512,DOTNET_EnableAVXVNNI", "Int8=Vector256;")]
        [InlineData("DOTNET_EnableAVX512", "Vector512=False")]
        [InlineData("DOTNET_EnableAVX2", "Vector256=False")]
        [InlineData("DOTNET_EnableHWIntrinsic", "Vector128=False")]
        public async Task ConformanceModelsMatchWithFewerInstructionSets(string variable, string expectedIsa)
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
                Assert.Contains(expectedIsa, isa);
            }
            finally
            {
                File.Delete(report);
            }
        }
    }
}
