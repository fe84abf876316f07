using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// The u8 × narrow-weight matrix-vector micro-kernel: <see cref="GemvKernel"/>'s blocks of 16
    /// output channels with <c>8 / bits</c> weights a byte (bits = 4, 2 or 1), so a GEMV whose
    /// weights stream from memory reads that much fewer bytes. The <c>G = 8 / bits</c> consecutive
    /// quads of k of a group share 64 bytes: quad <c>G·p + j</c> in bits <c>[bits·j, bits·(j+1))</c>
    /// of each byte, each weight stored as <c>u = w - m[r]</c> above its row's minimum <c>m[r]</c>
    /// (so any row whose weights span <c>2^bits</c> values fits, signed or not). The sums are
    /// <c>Σ x·u + m[r]·Σx</c>; the int32 sums wrap only where the exact one would not fit. With
    /// AVX-VNNI the codes are masked in place, never shifted down (<see cref="BlocksVnni{T}"/>).
    /// Without it, unpacking is one shift and one AND per quad, at every vector width; no pair of
    /// products can saturate <c>vpmaddubsw</c>, nor can the int16 sum of a group's pairs
    /// (<c>G · 2 · 255 · (2^bits - 1) ≤ 15300</c>), so one <c>vpmaddwd</c> widens a whole group.
    /// </summary>
    public static class NarrowGemvKernel
    {
        /// <summary>Output channels per packed block.</summary>
        public const int Rows = GemvKernel.Rows;

        /// <summary>Quads of k that share one 64-byte group at <paramref name="bits"/> a weight.</summary>
        public static int QuadsPerGroup(int bits) => 8 / bits;

        /// <summary>Bytes of a block: 64 for each group of quads (a short last group has its missing quads' bits zero).</summary>
        public static int BlockBytes(int quads, int bits) => (quads + QuadsPerGroup(bits) - 1) / QuadsPerGroup(bits) * Rows * 4;

        /// <summary>Quads of k the AVX-VNNI path takes at a time (its flipped copy of them is 8 KB of stack; a multiple of every group).</summary>
        public const int ChunkQuads = 2048;

        /// <param name="bits">Bits a weight is stored in: 4, 2 or 1.</param>
        /// <param name="minima">Each row's minimum weight <c>m[r]</c>, 16 for each block (0 past the last row).</param>
        /// <param name="codeSums">Each row's sum of its stored codes <c>Σ_k u[r, k]</c>, 16 for each block (0 past the last row).</param>
        public static void Accumulate(int bits, ReadOnlySpan<int> x, ReadOnlySpan<byte> w, ReadOnlySpan<int> minima, ReadOnlySpan<int> codeSums, int blocks, Span<int> acc)
        {
            if (bits != 4 && bits != 2 && bits != 1)
                throw new ArgumentOutOfRangeException(nameof(bits), bits, "weights are packed at 4, 2 or 1 bits");
            int quads = x.Length, blockBytes = BlockBytes(quads, bits);
            if ((long)blocks * blockBytes > w.Length || blocks * Rows > acc.Length || blocks * Rows > minima.Length || blocks * Rows > codeSums.Length)
                throw new ArgumentException("the packed weights, the row minima and code sums or the accumulators are shorter than the blocks");
            if (AvxVnni.IsSupported)
            {
                if (bits == 4)
                    BlocksVnni<Bits4>(x, w, blocks, blockBytes, acc);
                else if (bits == 2)
                    BlocksVnni<Bits2>(x, w, blocks, blockBytes, acc);
                else
                    BlocksVnni<Bits1>(x, w, blocks, blockBytes, acc);
            }
            else if (bits == 4)
                Blocks<Bits4>(x, w, blocks, blockBytes, acc);
            else if (bits == 2)
                Blocks<Bits2>(x, w, blocks, blockBytes, acc);
            else
                Blocks<Bits1>(x, w, blocks, blockBytes, acc);
            // acc[r] += m[r] · Σx (wrapping: exact wherever the whole sum fits int32), and where the
            // AVX-VNNI form met every code with the flipped activations x - 128, 128 · Σu back.
            int sum = ByteSum(x), flip = AvxVnni.IsSupported ? 128 : 0;
            for (int r = 0; r < blocks * Rows; r++)
                acc[r] += minima[r] * sum + codeSums[r] * flip;
        }

        /// <summary>The width as a type, so each group's quads unroll and its shifts are constants.</summary>
        private interface IWidth
        {
            static abstract int Bits { get; }
        }

        private readonly struct Bits4 : IWidth
        {
            public static int Bits => 4;
        }

        private readonly struct Bits2 : IWidth
        {
            public static int Bits => 2;
        }

        private readonly struct Bits1 : IWidth
        {
            public static int Bits => 1;
        }

        private static void Blocks<T>(ReadOnlySpan<int> x, ReadOnlySpan<byte> w, int blocks, int blockBytes, Span<int> acc) where T : struct, IWidth
        {
            int quads = x.Length, group = 8 / T.Bits, groups = quads / group, rest = quads - groups * group;
            // The short last group reads its quads from a copy padded with zeros, never past x.
            Span<int> tail = stackalloc int[8];
            tail.Clear();
            x.Slice(groups * group).CopyTo(tail);
            ref int px = ref MemoryMarshal.GetReference(x);
            ref int pt = ref MemoryMarshal.GetReference(tail);
            ref byte pw = ref MemoryMarshal.GetReference(w);
            ref int pa = ref MemoryMarshal.GetReference(acc);
            for (int b = 0; b < blocks; b++)
            {
                ref byte wb = ref Unsafe.Add(ref pw, b * blockBytes);
                ref int ab = ref Unsafe.Add(ref pa, b * Rows);
                if (Dot4.Use512)
                    Block512<T>(ref px, ref pt, rest, ref wb, groups, ref ab);
                else if (Dot4.Use256)
                    Block256<T>(ref px, ref pt, rest, ref wb, groups, ref ab);
                else if (Dot4.Use128)
                    Block128<T>(ref px, ref pt, rest, ref wb, groups, ref ab);
                else
                    BlockScalar<T>(ref px, ref pt, rest, ref wb, groups, ref ab);
            }
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

        private static void Block512<T>(ref int x, ref int tail, int rest, ref byte w, int groups, ref int acc) where T : struct, IWidth
        {
            Vector512<int> a0 = default, a1 = default;
            int g = 0, group = 8 / T.Bits;
            for (; g + 2 <= groups; g += 2)
            {
                a0 = Group512<T>(a0, ref Unsafe.Add(ref x, g * group), Vector512.LoadUnsafe(ref w, (nuint)(g * 64)));
                a1 = Group512<T>(a1, ref Unsafe.Add(ref x, g * group + group), Vector512.LoadUnsafe(ref w, (nuint)(g * 64 + 64)));
            }
            if (g < groups)
                a0 = Group512<T>(a0, ref Unsafe.Add(ref x, g * group), Vector512.LoadUnsafe(ref w, (nuint)(g * 64)));
            if (rest != 0)
                a1 = Group512<T>(a1, ref tail, Vector512.LoadUnsafe(ref w, (nuint)(groups * 64)));
            (a0 + a1).StoreUnsafe(ref acc);
        }

        /// <summary>One group's quads (<c>x[0..8/bits)</c>) into <paramref name="acc"/>: their int16 pair sums added before one widening.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> Group512<T>(Vector512<int> acc, ref int x, Vector512<byte> packed) where T : struct, IWidth
        {
            var mask = Vector512.Create((byte)((1 << T.Bits) - 1));
            var sums = Quad512(ref x, 0, packed & mask) + Quad512(ref x, 1, Codes<T>(packed, 1, mask));
            if (T.Bits <= 2)
                sums += Quad512(ref x, 2, Codes<T>(packed, 2, mask)) + Quad512(ref x, 3, Codes<T>(packed, 3, mask));
            if (T.Bits == 1)
                sums += Quad512(ref x, 4, Codes<T>(packed, 4, mask)) + Quad512(ref x, 5, Codes<T>(packed, 5, mask))
                    + Quad512(ref x, 6, Codes<T>(packed, 6, mask)) + Quad512(ref x, 7, Codes<T>(packed, 7, mask));
            return acc + Avx512BW.MultiplyAddAdjacent(sums, Vector512.Create((short)1));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<short> Quad512(ref int x, int j, Vector512<byte> codes) =>
            Avx512BW.MultiplyAddAdjacent(Vector512.Create(Unsafe.Add(ref x, j)).AsByte(), codes.AsSByte());

        /// <summary>Quad j's codes: a 16-bit shift moves the neighbour byte's bits in only above the mask.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<byte> Codes<T>(Vector512<byte> packed, int j, Vector512<byte> mask) where T : struct, IWidth =>
            Vector512.ShiftRightLogical(packed.AsUInt16(), T.Bits * j).AsByte() & mask;

        private static void Block256<T>(ref int x, ref int tail, int rest, ref byte w, int groups, ref int acc) where T : struct, IWidth
        {
            // lo: rows 0-7, hi: rows 8-15, each 32 bytes of a group.
            Vector256<int> lo = default, hi = default;
            int group = 8 / T.Bits;
            for (int g = 0; g < groups; g++)
            {
                ref int xg = ref Unsafe.Add(ref x, g * group);
                lo = Group256<T>(lo, ref xg, Vector256.LoadUnsafe(ref w, (nuint)(g * 64)));
                hi = Group256<T>(hi, ref xg, Vector256.LoadUnsafe(ref w, (nuint)(g * 64 + 32)));
            }
            if (rest != 0)
            {
                lo = Group256<T>(lo, ref tail, Vector256.LoadUnsafe(ref w, (nuint)(groups * 64)));
                hi = Group256<T>(hi, ref tail, Vector256.LoadUnsafe(ref w, (nuint)(groups * 64 + 32)));
            }
            lo.StoreUnsafe(ref acc);
            hi.StoreUnsafe(ref acc, 8);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Group256<T>(Vector256<int> acc, ref int x, Vector256<byte> packed) where T : struct, IWidth
        {
            var mask = Vector256.Create((byte)((1 << T.Bits) - 1));
            var sums = Quad256(ref x, 0, packed & mask) + Quad256(ref x, 1, Codes<T>(packed, 1, mask));
            if (T.Bits <= 2)
                sums += Quad256(ref x, 2, Codes<T>(packed, 2, mask)) + Quad256(ref x, 3, Codes<T>(packed, 3, mask));
            if (T.Bits == 1)
                sums += Quad256(ref x, 4, Codes<T>(packed, 4, mask)) + Quad256(ref x, 5, Codes<T>(packed, 5, mask))
                    + Quad256(ref x, 6, Codes<T>(packed, 6, mask)) + Quad256(ref x, 7, Codes<T>(packed, 7, mask));
            return acc + Avx2.MultiplyAddAdjacent(sums, Vector256.Create((short)1));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<short> Quad256(ref int x, int j, Vector256<byte> codes) =>
            Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.Add(ref x, j)).AsByte(), codes.AsSByte());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<byte> Codes<T>(Vector256<byte> packed, int j, Vector256<byte> mask) where T : struct, IWidth =>
            Vector256.ShiftRightLogical(packed.AsUInt16(), T.Bits * j).AsByte() & mask;

        /// <summary>
        /// The AVX-VNNI form. <c>vpdpbusd</c> multiplies unsigned bytes by signed ones, so here the
        /// codes are the unsigned side and the activations the signed one, flipped to <c>x - 128</c>
        /// (a stack copy of up to <see cref="ChunkQuads"/> quads at a time; the caller adds back
        /// <c>128 · Σu</c>). A code is then only masked in place, never shifted down: the sum of a
        /// quad at bit offset s comes out times 2^s, and is kept in its own accumulator and shifted
        /// down once, exactly, at the end of the chunk (every term of that accumulator is a multiple
        /// of 2^s, and a chunk's sums stay below 2^31: 2048 · 4 · 255 · 128). That saves a shift a
        /// quad, and the four accumulators a half give <c>vpdpbusd</c> the independent sums its
        /// latency needs.
        /// </summary>
        private static void BlocksVnni<T>(ReadOnlySpan<int> x, ReadOnlySpan<byte> w, int blocks, int blockBytes, Span<int> acc) where T : struct, IWidth
        {
            int quads = x.Length, group = 8 / T.Bits;
            Span<int> flipped = stackalloc int[ChunkQuads];
            ref int pf = ref MemoryMarshal.GetReference(flipped);
            ref byte pw = ref MemoryMarshal.GetReference(w);
            ref int pa = ref MemoryMarshal.GetReference(acc);
            acc.Slice(0, blocks * Rows).Clear();
            for (int q0 = 0; q0 < quads; q0 += ChunkQuads)
            {
                int n = Math.Min(ChunkQuads, quads - q0), groups = (n + group - 1) / group;
                // A short last group's missing quads have zero codes: their flipped activations are never counted.
                Flip(x.Slice(q0, n), flipped);
                flipped.Slice(n, groups * group - n).Clear();
                for (int b = 0; b < blocks; b++)
                    BlockVnni<T>(ref pf, ref Unsafe.Add(ref pw, b * blockBytes + q0 / group * 64), groups, ref Unsafe.Add(ref pa, b * Rows));
            }
        }

        /// <summary><c>x - 128</c> in every byte: the activations as the signed side of <c>vpdpbusd</c>.</summary>
        private static void Flip(ReadOnlySpan<int> x, Span<int> flipped)
        {
            int q = 0;
            var sign = Vector256.Create(unchecked((int)0x80808080));
            for (; q + 8 <= x.Length; q += 8)
                (Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)q) ^ sign).StoreUnsafe(ref MemoryMarshal.GetReference(flipped), (nuint)q);
            for (; q < x.Length; q++)
                flipped[q] = x[q] ^ unchecked((int)0x80808080);
        }

        /// <summary>
        /// One block's <paramref name="groups"/> groups of flipped activations <paramref name="x"/>,
        /// added to its 16 sums. Eight accumulators, rows 0-7 (lo) and 8-15 (hi) of four fields K,
        /// each with its own mask (the code field it takes in place) and offset (the power of two its
        /// codes come out times): at 4 bits nibbles 0, 1, 0, 1 (two groups a step), at 2 bits fields
        /// 0-3, at 1 bit bits 0-3 (and 4-7 shifted down onto them). Plain locals, not a struct: the
        /// JIT keeps them in registers (a struct of eight vectors it kept in memory, at half the speed).
        /// </summary>
        private static void BlockVnni<T>(ref int xf, ref byte w, int groups, ref int acc) where T : struct, IWidth
        {
            Vector256<int> lo0 = default, lo1 = default, lo2 = default, lo3 = default;
            Vector256<int> hi0 = default, hi1 = default, hi2 = default, hi3 = default;
            var m0 = Vector256.Create((byte)((1 << T.Bits) - 1));
            var m1 = Vector256.Create((byte)(((1 << T.Bits) - 1) << VnniOffset<T>(1)));
            var m2 = Vector256.Create((byte)(((1 << T.Bits) - 1) << VnniOffset<T>(2)));
            var m3 = Vector256.Create((byte)(((1 << T.Bits) - 1) << VnniOffset<T>(3)));
            int g = 0;
            if (T.Bits == 4)
            {
                // Two groups (four quads) a step.
                for (; g + 2 <= groups; g += 2)
                {
                    ref int xq = ref Unsafe.Add(ref xf, g * 2);
                    ref byte wg = ref Unsafe.Add(ref w, g * 64);
                    Vector256<byte> l0 = Vector256.LoadUnsafe(ref wg), h0 = Vector256.LoadUnsafe(ref wg, 32);
                    Vector256<byte> l1 = Vector256.LoadUnsafe(ref wg, 64), h1 = Vector256.LoadUnsafe(ref wg, 96);
                    Quad(ref lo0, ref hi0, xq, l0, h0, m0);
                    Quad(ref lo1, ref hi1, Unsafe.Add(ref xq, 1), l0, h0, m1);
                    Quad(ref lo2, ref hi2, Unsafe.Add(ref xq, 2), l1, h1, m2);
                    Quad(ref lo3, ref hi3, Unsafe.Add(ref xq, 3), l1, h1, m3);
                }
                if (g < groups)
                {
                    ref int xq = ref Unsafe.Add(ref xf, g * 2);
                    ref byte wg = ref Unsafe.Add(ref w, g * 64);
                    Vector256<byte> l0 = Vector256.LoadUnsafe(ref wg), h0 = Vector256.LoadUnsafe(ref wg, 32);
                    Quad(ref lo0, ref hi0, xq, l0, h0, m0);
                    Quad(ref lo1, ref hi1, Unsafe.Add(ref xq, 1), l0, h0, m1);
                }
            }
            else
            {
                // One group a step; at 1 bit its upper four quads come from the bytes shifted down by four.
                for (; g < groups; g++)
                {
                    ref int xq = ref Unsafe.Add(ref xf, g * (8 / T.Bits));
                    ref byte wg = ref Unsafe.Add(ref w, g * 64);
                    Vector256<byte> l = Vector256.LoadUnsafe(ref wg), h = Vector256.LoadUnsafe(ref wg, 32);
                    Quad(ref lo0, ref hi0, xq, l, h, m0);
                    Quad(ref lo1, ref hi1, Unsafe.Add(ref xq, 1), l, h, m1);
                    Quad(ref lo2, ref hi2, Unsafe.Add(ref xq, 2), l, h, m2);
                    Quad(ref lo3, ref hi3, Unsafe.Add(ref xq, 3), l, h, m3);
                    if (T.Bits == 1)
                    {
                        l = Vector256.ShiftRightLogical(l.AsUInt16(), 4).AsByte();
                        h = Vector256.ShiftRightLogical(h.AsUInt16(), 4).AsByte();
                        Quad(ref lo0, ref hi0, Unsafe.Add(ref xq, 4), l, h, m0);
                        Quad(ref lo1, ref hi1, Unsafe.Add(ref xq, 5), l, h, m1);
                        Quad(ref lo2, ref hi2, Unsafe.Add(ref xq, 6), l, h, m2);
                        Quad(ref lo3, ref hi3, Unsafe.Add(ref xq, 7), l, h, m3);
                    }
                }
            }
            // Each accumulator shifted down by its field's offset: exact, as all its terms are multiples of that power.
            (Vector256.LoadUnsafe(ref acc) + lo0 + (lo1 >> VnniOffset<T>(1)) + (lo2 >> VnniOffset<T>(2)) + (lo3 >> VnniOffset<T>(3))).StoreUnsafe(ref acc);
            (Vector256.LoadUnsafe(ref acc, 8) + hi0 + (hi1 >> VnniOffset<T>(1)) + (hi2 >> VnniOffset<T>(2)) + (hi3 >> VnniOffset<T>(3))).StoreUnsafe(ref acc, 8);
        }

        /// <summary>One quad of flipped activations <paramref name="xq"/> times one field of a group's codes (masked in place) into one pair of sums.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Quad(ref Vector256<int> lo, ref Vector256<int> hi, int xq, Vector256<byte> codesLo, Vector256<byte> codesHi, Vector256<byte> mask)
        {
            var x = Vector256.Create(xq).AsSByte();
            lo = AvxVnni.MultiplyWideningAndAdd(lo, codesLo & mask, x);
            hi = AvxVnni.MultiplyWideningAndAdd(hi, codesHi & mask, x);
        }

        /// <summary>The bit offset of <see cref="BlockVnni{T}"/>'s field K within a byte.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int VnniOffset<T>(int k) where T : struct, IWidth => T.Bits == 4 ? 4 * (k & 1) : T.Bits * k;

        private static void Block128<T>(ref int x, ref int tail, int rest, ref byte w, int groups, ref int acc) where T : struct, IWidth
        {
            // One accumulator per four rows; each 16-byte load holds four rows of a whole group.
            Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default;
            int group = 8 / T.Bits;
            for (int g = 0; g < groups + (rest != 0 ? 1 : 0); g++)
            {
                ref int xg = ref g < groups ? ref Unsafe.Add(ref x, g * group) : ref tail;
                ref byte wg = ref Unsafe.Add(ref w, g * 64);
                a0 = Group128<T>(a0, ref xg, Vector128.LoadUnsafe(ref wg));
                a1 = Group128<T>(a1, ref xg, Vector128.LoadUnsafe(ref wg, 16));
                a2 = Group128<T>(a2, ref xg, Vector128.LoadUnsafe(ref wg, 32));
                a3 = Group128<T>(a3, ref xg, Vector128.LoadUnsafe(ref wg, 48));
            }
            a0.StoreUnsafe(ref acc);
            a1.StoreUnsafe(ref acc, 4);
            a2.StoreUnsafe(ref acc, 8);
            a3.StoreUnsafe(ref acc, 12);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<int> Group128<T>(Vector128<int> acc, ref int x, Vector128<byte> packed) where T : struct, IWidth
        {
            var mask = Vector128.Create((byte)((1 << T.Bits) - 1));
            for (int j = 0; j < 8 / T.Bits; j++)
                acc = Dot4.Accumulate(acc, Vector128.Create(Unsafe.Add(ref x, j)), (Vector128.ShiftRightLogical(packed.AsUInt16(), T.Bits * j).AsByte() & mask).AsInt32());
            return acc;
        }

        private static void BlockScalar<T>(ref int x, ref int tail, int rest, ref byte w, int groups, ref int acc) where T : struct, IWidth
        {
            int group = 8 / T.Bits, quads = groups * group + rest;
            int mask = 0x01010101 * ((1 << T.Bits) - 1);
            for (int r = 0; r < Rows; r++)
            {
                int a = 0;
                for (int q = 0; q < quads; q++)
                {
                    int packed = Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref w, (q / group * Rows + r) * 4));
                    int xq = q < groups * group ? Unsafe.Add(ref x, q) : Unsafe.Add(ref tail, q - groups * group);
                    a += Dot4.Scalar(xq, (packed >>> (T.Bits * (q % group))) & mask);
                }
                Unsafe.Add(ref acc, r) = a;
            }
        }
    }
}
