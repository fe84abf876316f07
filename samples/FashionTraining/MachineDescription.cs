using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// The machine a latency was measured on: the CPU's model name (Linux), its logical cores, and the
/// vector instructions .NET exposes there, which are what the generated code's kernels can use (.NET
/// may expose fewer than the CPU has: no AVX-VNNI on Zen 4).
/// </summary>
internal static class MachineDescription
{
    public static string Current { get; } = Describe();

    private static string Describe()
    {
        string vectors = Vector512.IsHardwareAccelerated && Avx512BW.IsSupported ? "AVX-512BW"
            : Avx2.IsSupported ? "AVX2"
            : Vector128.IsHardwareAccelerated ? "128-bit vectors only"
            : "no vectors";
        string vnni = AvxVnni.IsSupported ? "AVX-VNNI" : "no AVX-VNNI";
        return $"{CpuModel()}, {Environment.ProcessorCount} logical cores, {vectors}, {vnni} as .NET sees it ({RuntimeInformation.FrameworkDescription})";
    }

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        string? line = File.Exists(cpuinfo) ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture + " CPU";
    }
}
