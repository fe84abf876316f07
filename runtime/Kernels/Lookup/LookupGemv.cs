using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.Lookup
{
    /// <summary>
    /// The u8 × low-bit matrix-vector product by table lookup (the technique of T-MAC, exact here).
    /// Once per input, each group of four activations gets a table of 16 sums, entry p the sum of
    /// the activations whose bit is set in p (at most 4 · 255, so 16 bits hold it). The weights,
    /// unsigned codes <c>u = w - m[r]</c> of 1 to 4 bits above each row's minimum, are stored as
    /// bit-planes of 4-bit patterns: for plane j, row r and group g, the bits j of its four codes.
    /// Then <c>Σ x·u = Σ_j 2^j Σ_g T_g[pattern(r, g, j)]</c>: one lookup does four multiply-adds of
    /// one plane for each row in the vector's lanes, so the work falls with the bits.
    /// <para>Layout (<c>LookupPlanes</c> in the compiler): blocks of 32 rows, then planes, then
    /// chunks of four groups (16 activations); a chunk is 32 16-bit lanes, lane r holding row r's
    /// patterns of the chunk's groups t = 0..3 in bits <c>4t..4t+3</c>. A group's table takes 32
    /// entries: its 16, then for the 512-bit <c>vpermw</c>, which reads five index bits, the same 16
    /// again (so the next pattern's low bit does not matter), or for the byte shuffles the 16 low
    /// bytes and the 16 high bytes of the entries, split once when the tables are built.</para>
    /// <para>The blocks take k in passes of 32 chunks, so a pass's tables stay in L1 while the weights stream past. Lanes sum in 16 bits for 16 chunks (64 lookups of at most 1020 fit 65535), then widen
    /// into 32-bit sums; <c>m[r]·Σx</c> is added last.</para>
    /// <para><see cref="CodebookGemv"/> looks up its own tables (entry 0 always 0) in the same lanes and forms.</para>
    /// </summary>
    public static class LookupGemv
    {
        /// <summary>Output channels (lanes) per packed block.</summary>
        public const int Rows = 32;

        /// <summary>Table entries stored per group of four activations (16, twice).</summary>
        public const int TableEntries = 32;

        /// <summary>Chunks summed in 16 bits before they are widened.</summary>
        private const int ChunksPerFlush = 16;

        /// <summary>Chunks whose tables (8 KB a 16) every block reads before the next: 16 KB stays in L1 while the blocks stream past.</summary>
        internal const int ChunksPerPass = 32;

        /// <summary>Chunks of 16 activations for <paramref name="quads"/> quads of four.</summary>
        public static int Chunks(int quads) => (quads + 3) / 4;

        /// <summary>The 16-bit table entries the tables of <paramref name="quads"/> quads take (whole chunks; groups past the last are zero).</summary>
        public static int TableLength(int quads) => Chunks(quads) * 4 * TableEntries;

        /// <summary>Bytes of one block at <paramref name="bits"/> planes.</summary>
        public static int BlockBytes(int quads, int bits) => bits * Chunks(quads) * Rows * 2;

        /// <summary>Each quad's table (four u8 activations in a word, as <c>RowPacker</c> writes them); the groups past the last quad up to a whole chunk get zeros.</summary>
        public static void BuildTables(ReadOnlySpan<int> x, Span<ushort> tables)
        {
            int quads = x.Length, length = TableLength(quads);
            if (tables.Length < length)
                throw new ArgumentException($"{tables.Length} table entries for {quads} quads; {length} needed", nameof(tables));
            ref ushort pt = ref MemoryMarshal.GetReference(tables);
            int q = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // Entry p (mod 16) = Σ_i x_i · bit i of p: each activation broadcast and masked by the entries that hold it.
                Vector256<ushort> b0 = Bit256(0), b1 = Bit256(1), b2 = Bit256(2), b3 = Bit256(3);
                for (; q < quads; q++)
                {
                    int v = x[q];
                    var t = (Vector256.Create((ushort)(v & 0xFF)) & b0) + (Vector256.Create((ushort)(v >> 8 & 0xFF)) & b1)
                        + (Vector256.Create((ushort)(v >> 16 & 0xFF)) & b2) + (Vector256.Create((ushort)(v >>> 24)) & b3);
                    t.StoreUnsafe(ref pt, (nuint)(q * TableEntries));
                    StoreSecondHalf(ref Unsafe.Add(ref pt, q * TableEntries + 16), t.GetLower(), t.GetUpper());
                }
            }
            for (; q < quads; q++)
            {
                int v = x[q];
                for (int p = 0; p < 16; p++)
                {
                    int s = 0;
                    for (int i = 0; i < 4; i++)
                        s += (p >> i & 1) * (v >> 8 * i & 0xFF);
                    tables[q * TableEntries + p] = (ushort)s;
                }
                var entries = Vector128.LoadUnsafe(ref pt, (nuint)(q * TableEntries));
                StoreSecondHalf(ref Unsafe.Add(ref pt, q * TableEntries + 16), entries, Vector128.LoadUnsafe(ref pt, (nuint)(q * TableEntries + 8)));
            }
            tables.Slice(quads * TableEntries, length - quads * TableEntries).Clear();
        }

        /// <summary>
        /// Each group's second 16 entries from its first 16 (see the layout above), for tables whose first
        /// entries the caller wrote (<see cref="CodebookGemv"/>); <paramref name="groups"/> whole groups.
        /// </summary>
        public static void CompleteTables(Span<ushort> tables, int groups)
        {
            if (tables.Length < groups * TableEntries)
                throw new ArgumentException($"{tables.Length} table entries for {groups} groups", nameof(tables));
            ref ushort pt = ref MemoryMarshal.GetReference(tables);
            for (int g = 0; g < groups; g++)
            {
                ref ushort t = ref Unsafe.Add(ref pt, g * TableEntries);
                StoreSecondHalf(ref Unsafe.Add(ref t, 16), Vector128.LoadUnsafe(ref t), Vector128.LoadUnsafe(ref t, 8));
            }
        }

        /// <summary>A group's second 16 entries: the table again for <c>vpermw</c>, or its low bytes then its high bytes for the byte shuffles.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreSecondHalf(ref ushort destination, Vector128<ushort> first8, Vector128<ushort> second8)
        {
            if (Use512)
            {
                first8.StoreUnsafe(ref destination);
                second8.StoreUnsafe(ref destination, 8);
                return;
            }
            ref byte bytes = ref Unsafe.As<ushort, byte>(ref destination);
            Vector128.Narrow(first8 & Vector128.Create((ushort)0xFF), second8 & Vector128.Create((ushort)0xFF)).StoreUnsafe(ref bytes);
            Vector128.Narrow(first8 >>> 8, second8 >>> 8).StoreUnsafe(ref bytes, 16);
        }

        /// <summary>Whether the 512-bit <c>vpermw</c> form runs in this process.</summary>
        internal static bool Use512 => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated;

        /// <summary>0xFFFF in the entries whose pattern has bit <paramref name="i"/> set.</summary>
        private static Vector256<ushort> Bit256(int i)
        {
            Span<ushort> lanes = stackalloc ushort[16];
            for (int p = 0; p < 16; p++)
                lanes[p] = (ushort)((p >> i & 1) * 0xFFFF);
            return Vector256.Create<ushort>(lanes);
        }

        /// <summary>
        /// <c>acc[r] = Σ_k x[k]·w[r, k]</c> for the rows of <paramref name="blocks"/> blocks, from
        /// <paramref name="tables"/> (<see cref="BuildTables"/>) and the packed planes.
        /// </summary>
        /// <param name="bits">Planes a weight has: 1 to 4.</param>
        /// <param name="minima">Each row's minimum weight <c>m[r]</c>, 32 for each block (0 past the last row).</param>
        public static void Accumulate(int bits, ReadOnlySpan<ushort> tables, ReadOnlySpan<byte> w, ReadOnlySpan<int> minima, int blocks, Span<int> acc)
        {
            if (bits < 1 || bits > 4)
                throw new ArgumentOutOfRangeException(nameof(bits), bits, "lookup weights have 1 to 4 bits");
            int chunks = tables.Length / (4 * TableEntries), blockBytes = bits * chunks * Rows * 2;
            if ((long)blocks * blockBytes > w.Length || blocks * Rows > acc.Length || blocks * Rows > minima.Length)
                throw new ArgumentException("the packed weights, the row minima or the accumulators are shorter than the blocks");
            ref ushort pt = ref MemoryMarshal.GetReference(tables);
            ref ushort pw = ref Unsafe.As<byte, ushort>(ref MemoryMarshal.GetReference(w));
            ref int pa = ref MemoryMarshal.GetReference(acc);
            acc.Slice(0, blocks * Rows).Clear();
            // Passes over k, each block adding its part of the pass: the pass's tables stay in L1.
            for (int c0 = 0; c0 < chunks; c0 += ChunksPerPass)
            {
                int c1 = Math.Min(c0 + ChunksPerPass, chunks);
                for (int b = 0; b < blocks; b++)
                {
                    ref int ab = ref Unsafe.Add(ref pa, b * Rows);
                    ref ushort wb = ref Unsafe.Add(ref pw, b * blockBytes / 2);
                    if (Use512)
                        Block512(ref pt, ref wb, bits, chunks, c0, c1, ref ab);
                    else if (Avx2.IsSupported)
                        BlockShuffled<Vector256<ushort>, Shuffle256>(ref pt, ref wb, bits, chunks, c0, c1, ref ab);
                    else if (Vector128.IsHardwareAccelerated)
                        BlockShuffled<Vector128<ushort>, Shuffle128>(ref pt, ref wb, bits, chunks, c0, c1, ref ab);
                    else
                        BlockScalar(ref pt, ref wb, bits, chunks, c0, c1, ref ab);
                }
            }
            // Σx is the sum of every group's entry 15 (all four bits set).
            int sum = 0;
            for (int g = 0; g < chunks * 4; g++)
                sum += tables[g * TableEntries + 15];
            for (int r = 0; r < blocks * Rows; r++)
                acc[r] += minima[r] * sum;
        }

        /// <summary>Which form this process runs (the widest the JIT allows).</summary>
        public static string Path =>
            Use512 ? "Vector512"
            : Avx2.IsSupported ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";

        /// <summary>Adds chunks [<paramref name="first"/>, <paramref name="end"/>) of one block's planes to its 32 sums.</summary>
        private static void Block512(ref ushort tables, ref ushort w, int bits, int chunks, int first, int end, ref int acc)
        {
            var lo = Vector512.LoadUnsafe(ref acc);
            var hi = Vector512.LoadUnsafe(ref acc, 16);
            for (int j = 0; j < bits; j++)
            {
                ref ushort plane = ref Unsafe.Add(ref w, j * chunks * Rows);
                for (int c0 = first; c0 < end; c0 += ChunksPerFlush)
                {
                    Vector512<ushort> s0 = default, s1 = default;
                    int stop = Math.Min(c0 + ChunksPerFlush, end);
                    for (int c = c0; c < stop; c++)
                    {
                        var patterns = Vector512.LoadUnsafe(ref plane, (nuint)(c * Rows));
                        ref ushort t = ref Unsafe.Add(ref tables, c * 4 * TableEntries);
                        s0 += Avx512BW.PermuteVar32x16(Vector512.LoadUnsafe(ref t), patterns);
                        s1 += Avx512BW.PermuteVar32x16(Vector512.LoadUnsafe(ref t, TableEntries), patterns >>> 4);
                        s0 += Avx512BW.PermuteVar32x16(Vector512.LoadUnsafe(ref t, 2 * TableEntries), patterns >>> 8);
                        s1 += Avx512BW.PermuteVar32x16(Vector512.LoadUnsafe(ref t, 3 * TableEntries), patterns >>> 12);
                    }
                    // Each lane's two sums are under 32 · 1020 each, so their sum fits 16 bits; widened, shifted to the plane's weight.
                    var (l, h) = Vector512.Widen(s0 + s1);
                    lo += l.AsInt32() << j;
                    hi += h.AsInt32() << j;
                }
            }
            lo.StoreUnsafe(ref acc);
            hi.StoreUnsafe(ref acc, 16);
        }

        /// <summary>
        /// The byte-shuffle form at one vector width (<typeparamref name="TOps"/>): the 32 rows in
        /// vectors of <c>TOps.Rows</c> 16-bit lanes, each entry looked up as its low byte with the
        /// pattern and its high byte with the pattern moved up a byte (entry 0 is 0, so the other
        /// byte of each lane reads 0).
        /// </summary>
        private static void BlockShuffled<TVector, TOps>(ref ushort tables, ref ushort w, int bits, int chunks, int first, int end, ref int acc)
            where TVector : struct
            where TOps : IShuffleLanes<TVector>
        {
            for (int part = 0; part < Rows; part += TOps.Rows)
            {
                for (int j = 0; j < bits; j++)
                {
                    ref ushort plane = ref Unsafe.Add(ref w, j * chunks * Rows + part);
                    for (int c0 = first; c0 < end; c0 += ChunksPerFlush)
                    {
                        TVector sums = default;
                        int stop = Math.Min(c0 + ChunksPerFlush, end);
                        for (int c = c0; c < stop; c++)
                        {
                            var patterns = TOps.Load(ref plane, (nuint)(c * Rows));
                            ref ushort t = ref Unsafe.Add(ref tables, c * 4 * TableEntries);
                            for (int g = 0; g < 4; g++)
                            {
                                ref byte split = ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref t, g * TableEntries + 16));
                                var low = Vector128.LoadUnsafe(ref split);
                                var high = Vector128.LoadUnsafe(ref split, 16);
                                sums = TOps.AddLookup(sums, low, high, patterns, 4 * g);
                            }
                        }
                        TOps.AddWidened(ref Unsafe.Add(ref acc, part), sums, j);
                    }
                }
            }
        }

        /// <summary>One vector width of <see cref="BlockShuffled{TVector, TOps}"/>: loads, the lookup, the widening into the 32-bit sums.</summary>
        internal interface IShuffleLanes<TVector> where TVector : struct
        {
            /// <summary>16-bit lanes (rows) a vector.</summary>
            static abstract int Rows { get; }

            static abstract TVector Load(ref ushort source, nuint offset);

            /// <summary><paramref name="sums"/> plus each lane's entry at bits <c>shift..shift+3</c> of its pattern.</summary>
            static abstract TVector AddLookup(TVector sums, Vector128<byte> low, Vector128<byte> high, TVector patterns, int shift);

            /// <summary><c>acc[r] += sums[r] &lt;&lt; plane</c> for the vector's rows.</summary>
            static abstract void AddWidened(ref int acc, TVector sums, int plane);

            /// <summary><c>acc[r] += (short)sums[r] · step</c> for the vector's rows (signed tables, float sums: the codebook GEMV).</summary>
            static abstract void AddScaled(ref float acc, TVector sums, float step);
        }

        /// <summary>AVX2 <c>vpshufb</c> on 16 rows, the tables repeated in both 128-bit halves.</summary>
        internal readonly struct Shuffle256 : IShuffleLanes<Vector256<ushort>>
        {
            public static int Rows => 16;

            public static Vector256<ushort> Load(ref ushort source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector256<ushort> AddLookup(Vector256<ushort> sums, Vector128<byte> low, Vector128<byte> high, Vector256<ushort> patterns, int shift)
            {
                var index = (patterns >>> shift) & Vector256.Create((ushort)0xF);
                return sums + (Avx2.Shuffle(Vector256.Create(low, low), index.AsByte()).AsUInt16()
                    | Avx2.Shuffle(Vector256.Create(high, high), (index << 8).AsByte()).AsUInt16());
            }

            public static void AddWidened(ref int acc, Vector256<ushort> sums, int plane)
            {
                var (lo, hi) = Vector256.Widen(sums);
                (Vector256.LoadUnsafe(ref acc) + (lo.AsInt32() << plane)).StoreUnsafe(ref acc);
                (Vector256.LoadUnsafe(ref acc, 8) + (hi.AsInt32() << plane)).StoreUnsafe(ref acc, 8);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static void AddScaled(ref float acc, Vector256<ushort> sums, float step)
            {
                var (lo, hi) = Vector256.Widen(sums.AsInt16());
                var s = Vector256.Create(step);
                (Vector256.LoadUnsafe(ref acc) + Vector256.ConvertToSingle(lo) * s).StoreUnsafe(ref acc);
                (Vector256.LoadUnsafe(ref acc, 8) + Vector256.ConvertToSingle(hi) * s).StoreUnsafe(ref acc, 8);
            }
        }

        /// <summary>The cross-platform byte shuffle on 8 rows (<c>pshufb</c>, ARM64's <c>tbl</c>).</summary>
        internal readonly struct Shuffle128 : IShuffleLanes<Vector128<ushort>>
        {
            public static int Rows => 8;

            public static Vector128<ushort> Load(ref ushort source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector128<ushort> AddLookup(Vector128<ushort> sums, Vector128<byte> low, Vector128<byte> high, Vector128<ushort> patterns, int shift)
            {
                var index = (patterns >>> shift) & Vector128.Create((ushort)0xF);
                return sums + (Vector128.ShuffleNative(low, index.AsByte()).AsUInt16() | Vector128.ShuffleNative(high, (index << 8).AsByte()).AsUInt16());
            }

            public static void AddWidened(ref int acc, Vector128<ushort> sums, int plane)
            {
                var (lo, hi) = Vector128.Widen(sums);
                (Vector128.LoadUnsafe(ref acc) + (lo.AsInt32() << plane)).StoreUnsafe(ref acc);
                (Vector128.LoadUnsafe(ref acc, 4) + (hi.AsInt32() << plane)).StoreUnsafe(ref acc, 4);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static void AddScaled(ref float acc, Vector128<ushort> sums, float step)
            {
                var (lo, hi) = Vector128.Widen(sums.AsInt16());
                var s = Vector128.Create(step);
                (Vector128.LoadUnsafe(ref acc) + Vector128.ConvertToSingle(lo) * s).StoreUnsafe(ref acc);
                (Vector128.LoadUnsafe(ref acc, 4) + Vector128.ConvertToSingle(hi) * s).StoreUnsafe(ref acc, 4);
            }
        }

        private static void BlockScalar(ref ushort tables, ref ushort w, int bits, int chunks, int first, int end, ref int acc)
        {
            for (int r = 0; r < Rows; r++)
            {
                int a = 0;
                for (int j = 0; j < bits; j++)
                {
                    int plane = 0;
                    for (int c = first; c < end; c++)
                    {
                        int patterns = Unsafe.Add(ref w, (j * chunks + c) * Rows + r);
                        for (int g = 0; g < 4; g++)
                            plane += Unsafe.Add(ref tables, (c * 4 + g) * TableEntries + (patterns >> 4 * g & 0xF));
                    }
                    a += plane << j;
                }
                Unsafe.Add(ref acc, r) += a;
            }
        }
    }
}
