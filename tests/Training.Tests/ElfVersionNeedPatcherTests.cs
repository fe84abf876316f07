using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Bitsmith.Build;
using Xunit;

namespace Bitsmith.Training.Tests;

/// <summary>The ELF patcher of training/build/, on the unpatched library of the TorchSharp package.</summary>
public sealed class ElfVersionNeedPatcherTests
{
    private static byte[] Original()
    {
        string package = typeof(ElfVersionNeedPatcherTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TorchSharpPackagePath").Value!;
        return File.ReadAllBytes(Path.Combine(package, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"));
    }

    [Fact]
    public void ThePackageRequiresGlibcxx3432OnlyForAnUnboundMarker()
    {
        ElfVersionNeed need = ElfVersionNeeds.Read(Original()).Single(n => n.Version == "GLIBCXX_3.4.32");

        Assert.False(need.IsWeak);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.Equal(new[] { "_ZSt21ios_base_library_initv" }, need.Symbols);
        Assert.Empty(need.RelocatedSymbols);
    }

    [Fact]
    public void WeakeningChangesOneByteAndIsIdempotent()
    {
        byte[] original = Original();
        byte[] patched = (byte[])original.Clone();

        Assert.Equal(WeakenOutcome.Weakened, ElfVersionNeeds.Weaken(patched, "GLIBCXX_3.4.32", out ElfVersionNeed? need));
        int[] changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.Equal(new[] { (int)need!.FlagsOffset }, changed);
        Assert.True(ElfVersionNeeds.Read(patched).Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak);

        byte[] again = (byte[])patched.Clone();
        Assert.Equal(WeakenOutcome.AlreadyWeak, ElfVersionNeeds.Weaken(again, "GLIBCXX_3.4.32", out _));
        Assert.Equal(patched, again);
    }

    [Fact]
    public void RefusesAVersionThatRelocationsNeedAndIgnoresOneNotRequired()
    {
        byte[] bytes = Original();

        Assert.Equal(WeakenOutcome.InUse, ElfVersionNeeds.Weaken(bytes, "GLIBCXX_3.4.30", out ElfVersionNeed? inUse));
        Assert.NotEmpty(inUse!.RelocatedSymbols);
        Assert.Equal(WeakenOutcome.NotRequired, ElfVersionNeeds.Weaken(bytes, "GLIBCXX_9.9", out _));
        Assert.Equal(Original(), bytes);
    }

    [Fact]
    public void RejectsWhatIsNotElf64()
    {
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(new byte[100]));
        byte[] truncated = Original().AsSpan(0, 4096).ToArray();
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(truncated));
    }
}
