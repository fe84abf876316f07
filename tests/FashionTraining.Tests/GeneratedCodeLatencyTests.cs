using System;
using System.Linq;
using Bitsmith.Cli.Tests;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Lowering.Implementations;
using Xunit;

namespace Bitsmith.Samples.FashionTraining.Tests;

/// <summary>A variant's generated code timed as <c>bitsmith bench</c> times it, with the implementations its plan chose.</summary>
public sealed class GeneratedCodeLatencyTests : IDisposable
{
    private readonly TempDirectory _dir = new("bitsmith-latency");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TimesTheShippedModelAndNamesTheImplementationsItsPlanChose()
    {
        var latency = GeneratedCodeLatency.Measure(Repo.FashionModel, TimeSpan.FromSeconds(0.2), "the command");

        Assert.Null(latency.Failure);
        Assert.True(latency.MedianMicroseconds > 0 && latency.P90Microseconds >= latency.MedianMicroseconds, latency.ToString());
        Assert.True(latency.Calls >= 10, latency.ToString());
        // The compiler's own plan for the file: its conv and Gemm layers, in order (3 conv + linear).
        var plan = ModelCompiler.Compile(Repo.FashionModel, new CompileOptions { BatchSize = 1 }).Plan;
        var expected = plan.Steps.Where(s => s.Op is "Conv" or "Gemm").Select(s => s.Implementation).ToArray();
        Assert.Equal(4, expected.Length);
        Assert.Equal(expected, latency.LayerImplementations);
        Assert.All(latency.LayerImplementations, name => Assert.Contains(name, ImplementationRegistry.Names));
        Assert.Equal(MachineDescription.Current, latency.Machine);
        Assert.Equal("the command", latency.Command);

        latency.Save(_dir.Path);
        var loaded = VariantLatency.Load(_dir.Path)!;
        Assert.Equal(latency.MedianMicroseconds, loaded.MedianMicroseconds);
        Assert.Equal(latency.Mix(), loaded.Mix());
    }

    [Fact]
    public void AFileTheCompilerCannotReadIsAFailureThatNamesIt()
    {
        string path = _dir.CorruptModel();

        var latency = GeneratedCodeLatency.Measure(path, TimeSpan.FromSeconds(0.2), "the command");

        Assert.NotNull(latency.Failure);
        Assert.Contains(path, latency.Failure);
        Assert.Equal(0, latency.Calls);
        Assert.Empty(latency.LayerImplementations);
    }

    [Fact]
    public void TheMixCountsEachImplementationInTheOrderTheLayersFirstUseIt()
    {
        var latency = new VariantLatency(1, 1, 1, 1, new[] { "qdwconv_u8s8_f32fma_masked16", "qconv_u8s8_c4_4x64", "qconv_u8s8_c4_4x64", "qgemv_u8s8_16c4" }, "machine", "command");

        Assert.Equal("qdwconv_u8s8_f32fma_masked16, qconv_u8s8_c4_4x64 ×2, qgemv_u8s8_16c4", latency.Mix());
    }
}
