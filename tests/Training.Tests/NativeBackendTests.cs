using System;
using System.IO;
using System.Linq;
using Bitsmith.Build;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

/// <summary>
/// TorchSharp's native library loads and computes on this machine (Debian 12's libstdc++ lacks
/// GLIBCXX_3.4.32; training/build/TorchSharpNative.targets makes the build copy a library that
/// requires that version only weakly).
/// </summary>
public sealed class NativeBackendTests
{
    [Fact]
    public void MatmulOfKnownValues()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        var b = tensor(new float[] { 7, 8, 9, 10, 11, 12 }, new long[] { 3, 2 });

        var c = matmul(a, b);

        Assert.Equal(new long[] { 2, 2 }, c.shape);
        Assert.Equal(new float[] { 58, 64, 139, 154 }, c.data<float>().ToArray());
    }

    [Fact]
    public void AutogradRuns()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, -2, 3 }).requires_grad_();

        (x * x).sum().backward();

        Assert.Equal(new double[] { 2, -4, 6 }, x.grad!.data<double>().ToArray());
    }

    [Fact]
    public void LoadedLibraryIsTheBuildsPatchedCopy()
    {
        using (var scope = NewDisposeScope())
            _ = ones(1) + 1;   // makes sure the native backend is loaded

        string loaded = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .Distinct()
            .Single();

        Assert.StartsWith(Path.GetFullPath(AppContext.BaseDirectory), loaded);
        ElfVersionNeed need = ElfVersionNeeds.Read(File.ReadAllBytes(loaded)).Single(n => n.Version == "GLIBCXX_3.4.32");
        Assert.True(need.IsWeak);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.Equal(new[] { "_ZSt21ios_base_library_initv" }, need.Symbols);
        Assert.Empty(need.RelocatedSymbols);
    }
}
