using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.BitSerial
{
    /// <summary>
    /// The byte-wise popcount of one vector width, as an operator struct (the pattern of
    /// TensorPrimitives' operators): each byte's count is the table entry of its low nibble plus
    /// that of its high nibble, looked up with a byte shuffle; counts are summed as bytes and
    /// turned into a scalar only now and then (<see cref="SumBytes"/>), so the loop is
    /// shuffles and adds. <see cref="NibblePopCount{TVector, TOps}"/> is the loop, written once.
    /// </summary>
    internal interface INibbleVector<TVector> where TVector : struct
    {
        /// <summary>Plane words (ulongs) per vector.</summary>
        static abstract int Words { get; }

        static abstract TVector Load(ref ulong source);

        static abstract TVector Combine<TCombine>(TVector a, TVector w) where TCombine : IPlaneCombine;

        /// <summary>The number of one bits of each byte (0 to 8).</summary>
        static abstract TVector ByteCounts(TVector v);

        static abstract TVector AddBytes(TVector a, TVector b);

        /// <summary>The sum of all bytes; exact while every byte holds its true sum (at most 255).</summary>
        static abstract int SumBytes(TVector bytes);
    }

    internal readonly struct Nibble128 : INibbleVector<Vector128<byte>>
    {
        public static int Words => Vector128<ulong>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Load(ref ulong source) => Vector128.LoadUnsafe(ref source).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Combine<TCombine>(Vector128<byte> a, Vector128<byte> w) where TCombine : IPlaneCombine => TCombine.Apply(a, w);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> ByteCounts(Vector128<byte> v)
        {
            var table = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
            var low = Vector128.Create((byte)0x0F);
            // ShuffleNative: pshufb on x86, tbl on ARM64; the indices are nibbles, never out of range.
            return Vector128.ShuffleNative(table, v & low) + Vector128.ShuffleNative(table, (v.AsUInt16() >>> 4).AsByte() & low);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> AddBytes(Vector128<byte> a, Vector128<byte> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int SumBytes(Vector128<byte> bytes) =>
            Sse2.IsSupported ? (int)Vector128.Sum(Sse2.SumAbsoluteDifferences(bytes, Vector128<byte>.Zero).AsUInt64())
            : Vector128.Sum(Vector128.WidenLower(bytes) + Vector128.WidenUpper(bytes));
    }

    internal readonly struct Nibble256 : INibbleVector<Vector256<byte>>
    {
        public static int Words => Vector256<ulong>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Load(ref ulong source) => Vector256.LoadUnsafe(ref source).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Combine<TCombine>(Vector256<byte> a, Vector256<byte> w) where TCombine : IPlaneCombine => TCombine.Apply(a, w);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> ByteCounts(Vector256<byte> v)
        {
            // vpshufb looks up within each 128-bit lane, so both lanes carry the table.
            var table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
            var low = Vector256.Create((byte)0x0F);
            return Avx2.Shuffle(table, v & low) + Avx2.Shuffle(table, (v.AsUInt16() >>> 4).AsByte() & low);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> AddBytes(Vector256<byte> a, Vector256<byte> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int SumBytes(Vector256<byte> bytes) => (int)Vector256.Sum(Avx2.SumAbsoluteDifferences(bytes, Vector256<byte>.Zero).AsUInt64());
    }

    internal readonly struct Nibble512 : INibbleVector<Vector512<byte>>
    {
        public static int Words => Vector512<ulong>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> Load(ref ulong source) => Vector512.LoadUnsafe(ref source).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> Combine<TCombine>(Vector512<byte> a, Vector512<byte> w) where TCombine : IPlaneCombine => TCombine.Apply(a, w);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> ByteCounts(Vector512<byte> v)
        {
            var table = Vector512.Create(Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
            var low = Vector512.Create((byte)0x0F);
            return Avx512BW.Shuffle(table, v & low) + Avx512BW.Shuffle(table, (v.AsUInt16() >>> 4).AsByte() & low);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> AddBytes(Vector512<byte> a, Vector512<byte> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int SumBytes(Vector512<byte> bytes) => (int)Vector512.Sum(Avx512BW.SumAbsoluteDifferences(bytes, Vector512<byte>.Zero).AsUInt64());
    }
}
