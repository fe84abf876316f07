using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.BitSerial
{
    /// <summary>
    /// What is counted of an activation word and a weight word: their AND (the bits where both
    /// codes have a one, the unsigned product of one plane pair) or their XOR (the positions where
    /// two {-1, +1} vectors differ). One operator struct per combination, at every width, so the
    /// popcount loops are written once for both.
    /// </summary>
    internal interface IPlaneCombine
    {
        static abstract ulong Apply(ulong a, ulong w);

        static abstract Vector128<byte> Apply(Vector128<byte> a, Vector128<byte> w);

        static abstract Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> w);

        static abstract Vector512<byte> Apply(Vector512<byte> a, Vector512<byte> w);
    }

    internal readonly struct AndPlanes : IPlaneCombine
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Apply(ulong a, ulong w) => a & w;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Apply(Vector128<byte> a, Vector128<byte> w) => a & w;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> w) => a & w;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> Apply(Vector512<byte> a, Vector512<byte> w) => a & w;
    }

    internal readonly struct XorPlanes : IPlaneCombine
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Apply(ulong a, ulong w) => a ^ w;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Apply(Vector128<byte> a, Vector128<byte> w) => a ^ w;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> w) => a ^ w;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> Apply(Vector512<byte> a, Vector512<byte> w) => a ^ w;
    }
}
