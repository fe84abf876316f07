using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// The one operation of the int8 kernels, at every vector width: each 32-bit lane holds four
    /// u8 activations and four s8 weights (the c4 layout), and gets the sum of their four products
    /// added. Implementations differ in how they reach the exact sum; kernels are generic over
    /// this interface, so each is written once (as TensorPrimitives does with operator structs).
    /// </summary>
    public interface IDot4
    {
        static abstract Vector512<int> Accumulate(Vector512<int> acc, Vector512<byte> x, Vector512<sbyte> w);

        static abstract Vector256<int> Accumulate(Vector256<int> acc, Vector256<byte> x, Vector256<sbyte> w);
    }

    /// <summary>
    /// <c>vpmaddubsw</c> then <c>vpmaddwd</c>: the fastest form without VNNI, exact only when no
    /// pair of products saturates int16. The compiler proves that from the constant weights
    /// (<c>xmax · (|w0| + |w1|)</c> per same-signed pair) before it picks a kernel using it.
    /// With AVX-VNNI the 256-bit form is <c>vpdpbusd</c>, which never saturates.
    /// </summary>
    public readonly struct BytePairs : IDot4
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Accumulate(Vector512<int> acc, Vector512<byte> x, Vector512<sbyte> w) =>
            acc + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w), Vector512.Create((short)1));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Accumulate(Vector256<int> acc, Vector256<byte> x, Vector256<sbyte> w) =>
            AvxVnni.IsSupported ? AvxVnni.MultiplyWideningAndAdd(acc, x, w)
            : acc + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w), Vector256.Create((short)1));
    }

    /// <summary>
    /// Exact for any weights: even and odd bytes widened to int16 in place (masks and shifts),
    /// then two <c>vpmaddwd</c>, whose int32 pair sums cannot overflow for u8 × s8. About 1.5x
    /// the work of <see cref="BytePairs"/>; with AVX-VNNI the 256-bit form is <c>vpdpbusd</c>.
    /// </summary>
    public readonly struct WordPairs : IDot4
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Accumulate(Vector512<int> acc, Vector512<byte> x, Vector512<sbyte> w)
        {
            Vector512<short> xs = x.AsInt16(), ws = w.AsInt16();
            var even = Avx512BW.MultiplyAddAdjacent(xs & Vector512.Create((short)0xFF), (ws << 8) >> 8);
            var odd = Avx512BW.MultiplyAddAdjacent((xs.AsUInt16() >>> 8).AsInt16(), ws >> 8);
            return acc + even + odd;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Accumulate(Vector256<int> acc, Vector256<byte> x, Vector256<sbyte> w)
        {
            if (AvxVnni.IsSupported)
                return AvxVnni.MultiplyWideningAndAdd(acc, x, w);
            Vector256<short> xs = x.AsInt16(), ws = w.AsInt16();
            var even = Avx2.MultiplyAddAdjacent(xs & Vector256.Create((short)0xFF), (ws << 8) >> 8);
            var odd = Avx2.MultiplyAddAdjacent((xs.AsUInt16() >>> 8).AsInt16(), ws >> 8);
            return acc + even + odd;
        }
    }

    /// <summary>The forms every implementation shares: the portable 128-bit lane sum (also ARM64's) and the scalar one.</summary>
    public static class Dot4
    {
        /// <summary>Four u8 × s8 products per lane with the cross-platform API only: bytes taken apart by shifts, exact for any values.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Accumulate(Vector128<int> acc, Vector128<int> x, Vector128<int> w)
        {
            var mask = Vector128.Create(0xFF);
            acc += (x & mask) * ((w << 24) >> 24);
            acc += ((x >>> 8) & mask) * ((w << 16) >> 24);
            acc += ((x >>> 16) & mask) * ((w << 8) >> 24);
            return acc + (x >>> 24) * (w >> 24);
        }

        /// <summary>The same sum for one lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int Scalar(int x, int w) =>
            (byte)x * (sbyte)w + (byte)(x >> 8) * (sbyte)(w >> 8) + (byte)(x >> 16) * (sbyte)(w >> 16) + (byte)(x >> 24) * (sbyte)(w >> 24);

        /// <summary>Which width the int8 kernels run at in this process (the widest the JIT allows).</summary>
        public static string Path =>
            Avx512BW.IsSupported && Vector512.IsHardwareAccelerated && !AvxVnni.IsSupported ? "Vector512"
            : Avx2.IsSupported ? (AvxVnni.IsSupported ? "Vector256+AvxVnni" : "Vector256")
            : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";

        /// <summary>The 512-bit path: AVX-512BW, unless AVX-VNNI offers <c>vpdpbusd</c> at 256 bits (twice the multiply-adds per instruction).</summary>
        internal static bool Use512 => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated && !AvxVnni.IsSupported;

        internal static bool Use256 => Avx2.IsSupported;

        internal static bool Use128 => Vector128.IsHardwareAccelerated;
    }
}
