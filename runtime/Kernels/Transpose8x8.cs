using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels
{
    /// <summary>
    /// The 8x8 transpose of 32-bit lanes in eight 256-bit registers (AVX): row <c>i</c>, lane <c>j</c>
    /// becomes row <c>j</c>, lane <c>i</c>. Three rounds of shuffles (unpack, shuffle, 128-bit
    /// permute), 24 instructions: how channels-first and channels-last data change places a block
    /// at a time without leaving registers.
    /// </summary>
    internal static class Transpose8x8
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Apply(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
            ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
        {
            // Pairs of rows interleaved: (r0, r1) lanes 0,1 | 4,5 and 2,3 | 6,7 of each 128-bit half.
            var t0 = Avx.UnpackLow(r0, r1);
            var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3);
            var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5);
            var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7);
            var t7 = Avx.UnpackHigh(r6, r7);
            // Four rows' lane k within each half: 0x44 takes the low pairs of both, 0xEE the high ones.
            var s0 = Avx.Shuffle(t0, t2, 0x44);
            var s1 = Avx.Shuffle(t0, t2, 0xEE);
            var s2 = Avx.Shuffle(t1, t3, 0x44);
            var s3 = Avx.Shuffle(t1, t3, 0xEE);
            var s4 = Avx.Shuffle(t4, t6, 0x44);
            var s5 = Avx.Shuffle(t4, t6, 0xEE);
            var s6 = Avx.Shuffle(t5, t7, 0x44);
            var s7 = Avx.Shuffle(t5, t7, 0xEE);
            // The low halves give lanes 0-3 of the result rows, the high halves lanes 4-7.
            r0 = Avx.Permute2x128(s0, s4, 0x20);
            r1 = Avx.Permute2x128(s1, s5, 0x20);
            r2 = Avx.Permute2x128(s2, s6, 0x20);
            r3 = Avx.Permute2x128(s3, s7, 0x20);
            r4 = Avx.Permute2x128(s0, s4, 0x31);
            r5 = Avx.Permute2x128(s1, s5, 0x31);
            r6 = Avx.Permute2x128(s2, s6, 0x31);
            r7 = Avx.Permute2x128(s3, s7, 0x31);
        }
    }
}
