using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// The u8 × 4-bit matrix-vector micro-kernel: <see cref="GemvKernel"/>'s blocks of 16 output
    /// channels with two weights a byte, so a GEMV whose weights stream from memory reads half the
    /// bytes. Two consecutive quads of k share 64 bytes: quad <c>2p</c> in the low nibbles, quad
    /// <c>2p + 1</c> in the high ones, each weight stored as <c>u = w - m[r]</c> in [0, 15] above
    /// its row's minimum <c>m[r]</c> (so any row whose weights span 16 values fits, s4 or not).
    /// Unpacking is one AND (low) or one shift and AND (high), at every vector width; the sums
    /// are <c>Σ x·u + m[r]·Σx</c>. No pair of products can saturate <c>vpmaddubsw</c>, nor can the
    /// int16 sum of both quads' pairs (<c>4 · 255 · 15 &lt; 32767</c>), so one <c>vpmaddwd</c> widens
    /// the two quads together (with AVX-VNNI, two <c>vpdpbusd</c>); the int32 sums wrap only where the
    /// exact one would not fit.
    /// </summary>
    public static class NibbleGemvKernel
    {
        /// <summary>Output channels per packed block.</summary>
        public const int Rows = GemvKernel.Rows;

        /// <summary>Bytes of a block: 64 for each pair of quads (an odd last quad has its pair's high nibbles zero).</summary>
        public static int BlockBytes(int quads) => (quads + 1) / 2 * Rows * 4;

        /// <param name="minima">Each row's minimum weight <c>m[r]</c>, 16 for each block (0 past the last row).</param>
        public static void Accumulate(ReadOnlySpan<int> x, ReadOnlySpan<byte> w, ReadOnlySpan<int> minima, int blocks, Span<int> acc)
        {
            int quads = x.Length, blockBytes = BlockBytes(quads);
            if ((long)blocks * blockBytes > w.Length || blocks * Rows > acc.Length || blocks * Rows > minima.Length)
                throw new ArgumentException("the packed weights, the row minima or the accumulators are shorter than the blocks");
            ref int px = ref MemoryMarshal.GetReference(x);
            ref byte pw = ref MemoryMarshal.GetReference(w);
            ref int pa = ref MemoryMarshal.GetReference(acc);
            for (int b = 0; b < blocks; b++)
            {
                ref byte wb = ref Unsafe.Add(ref pw, b * blockBytes);
                ref int ab = ref Unsafe.Add(ref pa, b * Rows);
                if (Dot4.Use512)
                    Block512(ref px, ref wb, quads, ref ab);
                else if (Dot4.Use256)
                    Block256(ref px, ref wb, quads, ref ab);
                else if (Dot4.Use128)
                    Block128(ref px, ref wb, quads, ref ab);
                else
                    BlockScalar(ref px, ref wb, quads, ref ab);
            }
            // acc[r] += m[r] · Σx (wrapping: exact wherever the whole sum fits int32); 16 rows a block, against K · 16 products.
            int sum = ByteSum(x);
            for (int r = 0; r < blocks * Rows; r++)
                acc[r] += minima[r] * sum;
        }

        /// <summary>The sum of the activation bytes (each in [0, 255]): their dot product with ones, eight words a step.</summary>
        private static int ByteSum(ReadOnlySpan<int> x)
        {
            int sum = 0, q = 0;
            ref int px = ref MemoryMarshal.GetReference(x);
            if (Dot4.Use256 || Dot4.Use512)
            {
                Vector256<int> acc = default;
                var ones = Vector256.Create((sbyte)1);
                for (; q + 8 <= x.Length; q += 8)
                    acc = BytePairs.Accumulate(acc, Vector256.LoadUnsafe(ref px, (nuint)q).AsByte(), ones);
                sum = Vector256.Sum(acc);
            }
            else if (Dot4.Use128)
            {
                Vector128<int> acc = default;
                var ones = Vector128.Create(0x01010101);
                for (; q + 4 <= x.Length; q += 4)
                    acc = Dot4.Accumulate(acc, Vector128.LoadUnsafe(ref px, (nuint)q), ones);
                sum = Vector128.Sum(acc);
            }
            for (; q < x.Length; q++)
                sum += Dot4.Scalar(x[q], 0x01010101);
            return sum;
        }

        internal static void Block512(ref int x, ref byte w, int quads, ref int acc)
        {
            Vector512<int> a0 = default, a1 = default;
            var mask = Vector512.Create((byte)0x0F);
            int pairs = quads / 2, p = 0;
            for (; p + 2 <= pairs; p += 2)
            {
                var packed0 = Vector512.LoadUnsafe(ref w, (nuint)(p * 64));
                var packed1 = Vector512.LoadUnsafe(ref w, (nuint)(p * 64 + 64));
                a0 = Pair(a0, Broadcast512(ref x, 2 * p), packed0 & mask, Broadcast512(ref x, 2 * p + 1), High(packed0, mask));
                a1 = Pair(a1, Broadcast512(ref x, 2 * p + 2), packed1 & mask, Broadcast512(ref x, 2 * p + 3), High(packed1, mask));
            }
            if (p < pairs)
            {
                var packed = Vector512.LoadUnsafe(ref w, (nuint)(p * 64));
                a0 = Pair(a0, Broadcast512(ref x, 2 * p), packed & mask, Broadcast512(ref x, 2 * p + 1), High(packed, mask));
            }
            if ((quads & 1) != 0)
                a1 = Pair(a1, Broadcast512(ref x, quads - 1), Vector512.LoadUnsafe(ref w, (nuint)(pairs * 64)) & mask, default, default);
            (a0 + a1).StoreUnsafe(ref acc);
        }

        internal static void Block256(ref int x, ref byte w, int quads, ref int acc)
        {
            // lo: rows 0-7, hi: rows 8-15, each 32 bytes holding both quads of a pair.
            Vector256<int> lo = default, hi = default;
            var mask = Vector256.Create((byte)0x0F);
            int pairs = quads / 2;
            for (int p = 0; p < pairs; p++)
            {
                var rows0 = Vector256.LoadUnsafe(ref w, (nuint)(p * 64));
                var rows8 = Vector256.LoadUnsafe(ref w, (nuint)(p * 64 + 32));
                var x0 = Vector256.Create(Unsafe.Add(ref x, 2 * p)).AsByte();
                var x1 = Vector256.Create(Unsafe.Add(ref x, 2 * p + 1)).AsByte();
                lo = Pair(lo, x0, rows0 & mask, x1, High(rows0, mask));
                hi = Pair(hi, x0, rows8 & mask, x1, High(rows8, mask));
            }
            if ((quads & 1) != 0)
            {
                var x0 = Vector256.Create(Unsafe.Add(ref x, quads - 1)).AsByte();
                lo = Pair(lo, x0, Vector256.LoadUnsafe(ref w, (nuint)(pairs * 64)) & mask, default, default);
                hi = Pair(hi, x0, Vector256.LoadUnsafe(ref w, (nuint)(pairs * 64 + 32)) & mask, default, default);
            }
            lo.StoreUnsafe(ref acc);
            hi.StoreUnsafe(ref acc, 8);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<byte> Broadcast512(ref int x, int q) => Vector512.Create(Unsafe.Add(ref x, q)).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<byte> High(Vector512<byte> packed, Vector512<byte> mask) => Vector512.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & mask;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<byte> High(Vector256<byte> packed, Vector256<byte> mask) => Vector256.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & mask;

        /// <summary>Both quads of a pair into <paramref name="acc"/>: their int16 pair sums added before one widening.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> Pair(Vector512<int> acc, Vector512<byte> x0, Vector512<byte> u0, Vector512<byte> x1, Vector512<byte> u1) =>
            acc + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x0, u0.AsSByte()) + Avx512BW.MultiplyAddAdjacent(x1, u1.AsSByte()), Vector512.Create((short)1));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Pair(Vector256<int> acc, Vector256<byte> x0, Vector256<byte> u0, Vector256<byte> x1, Vector256<byte> u1) =>
            AvxVnni.IsSupported
                ? AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(acc, x0, u0.AsSByte()), x1, u1.AsSByte())
                : acc + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x0, u0.AsSByte()) + Avx2.MultiplyAddAdjacent(x1, u1.AsSByte()), Vector256.Create((short)1));

        internal static void Block128(ref int x, ref byte w, int quads, ref int acc)
        {
            // One accumulator per four rows; each 16-byte load holds four rows of both quads of a pair.
            Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default;
            var mask = Vector128.Create((byte)0x0F);
            for (int q = 0; q < quads; q += 2)
            {
                ref byte wp = ref Unsafe.Add(ref w, q / 2 * 64);
                var x0 = Vector128.Create(Unsafe.Add(ref x, q));
                var x1 = q + 1 < quads ? Vector128.Create(Unsafe.Add(ref x, q + 1)) : default;
                a0 = Pair(a0, x0, x1, Vector128.LoadUnsafe(ref wp), mask);
                a1 = Pair(a1, x0, x1, Vector128.LoadUnsafe(ref wp, 16), mask);
                a2 = Pair(a2, x0, x1, Vector128.LoadUnsafe(ref wp, 32), mask);
                a3 = Pair(a3, x0, x1, Vector128.LoadUnsafe(ref wp, 48), mask);
            }
            a0.StoreUnsafe(ref acc);
            a1.StoreUnsafe(ref acc, 4);
            a2.StoreUnsafe(ref acc, 8);
            a3.StoreUnsafe(ref acc, 12);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<int> Pair(Vector128<int> acc, Vector128<int> x0, Vector128<int> x1, Vector128<byte> packed, Vector128<byte> mask)
        {
            acc = Dot4.Accumulate(acc, x0, (packed & mask).AsInt32());
            return Dot4.Accumulate(acc, x1, (Vector128.ShiftRightLogical(packed.AsUInt16(), 4).AsByte() & mask).AsInt32());
        }

        internal static void BlockScalar(ref int x, ref byte w, int quads, ref int acc)
        {
            for (int r = 0; r < Rows; r++)
            {
                int a = 0;
                for (int q = 0; q < quads; q++)
                {
                    int packed = Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref w, (q / 2 * Rows + r) * 4));
                    a += Dot4.Scalar(Unsafe.Add(ref x, q), (packed >>> (4 * (q & 1))) & 0x0F0F0F0F);
                }
                Unsafe.Add(ref acc, r) = a;
            }
        }
    }
}
