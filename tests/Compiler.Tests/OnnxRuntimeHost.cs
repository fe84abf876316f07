using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Compiler.Tests
{
    /// <summary>What ONNX Runtime computes differently on the machine the tests run on.</summary>
    internal static class OnnxRuntimeHost
    {
        /// <summary>
        /// On x86 without VNNI, ONNX Runtime's u8 × s8 kernels multiply with <c>vpmaddubsw</c>, whose
        /// 16-bit sums of byte pairs saturate when weights are large (its documentation says so; its
        /// quantiser's reduce_range exists for it): results there are not the exact integers.
        /// Seen on a Zen 3 (AVX2 only). .NET names no AVX-512 VNNI test of its own, so a machine with
        /// AVX-512 VNNI but neither AVX-VNNI nor AVX10 counts as saturating too (a check skipped, never a wrong one kept).
        /// </summary>
        public static bool U8S8MaySaturate => X86Base.IsSupported && !AvxVnni.IsSupported && !Avx10v1.IsSupported;
    }
}
