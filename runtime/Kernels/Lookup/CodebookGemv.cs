using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.Lookup
{
    /// <summary>
    /// The f32 matrix-vector product with a product-quantised weight of at most 16 centroids (iPQ's
    /// <c>W[r, g·d .. g·d+d) = C[code(r, g)]</c>), by table lookup ("fast scan"): once per input, each
    /// group g of d activations gets a table of its dot products with the 16 centroids,
    /// <c>T_g[c] = Σ_i x[g·d+i] · C[c, i]</c>; then <c>y[r] = Σ_g T_g[code(r, g)]</c>, one lookup for d
    /// multiply-adds, 32 rows a lookup in <see cref="LookupGemv"/>'s lanes and forms.
    /// <para>The tables are integers so that a chunk's four lookups add in 16-bit lanes: each entry is
    /// <c>round((T_g[c] − T_g[0]) / s_c)</c>, with one step <c>s_c</c> per chunk of four groups that
    /// makes the chunk's largest deviation <see cref="EntryLimit"/> (entry 0 is exactly 0, so the byte
    /// shuffles' other byte reads 0); each chunk's sums are widened, scaled by its step and added in
    /// float, and <c>Σ_g T_g[0]</c> is added back last. So each group is off by at most half its own
    /// chunk's step (<see cref="RoundingBound"/>), and a chunk of large activations does not coarsen
    /// the others.</para>
    /// <para>The codes are <see cref="LookupGemv"/>'s single plane of 4-bit patterns; the centroids are
    /// stored coordinate-major, <c>[d][16]</c> (zeros past the last centroid), so that one vector of
    /// each coordinate serves all 16 entries.</para>
    /// <para>A NaN or infinite activation makes the offset, so every output, NaN or infinite (every row
    /// reads every activation): the dense product would give NaN too, but could give infinities of
    /// either sign row by row.</para>
    /// </summary>
    public static class CodebookGemv
    {
        /// <summary>Centroids a table holds.</summary>
        public const int Centroids = 16;

        /// <summary>The largest |entry|: a chunk's four lookups stay within int16.</summary>
        public const int EntryLimit = short.MaxValue / 4;

        /// <summary>Chunks of four groups for <paramref name="groups"/> groups (one step each).</summary>
        public static int Chunks(int groups) => (groups + 3) / 4;

        /// <summary>
        /// Builds the tables of <paramref name="x"/> (<c>x.Length / d</c> groups, then zeros up to whole
        /// chunks) and each chunk's step; returns <c>Σ_g T_g[0]</c>, the offset of every output.
        /// </summary>
        /// <param name="centroids">The codebook coordinate-major: <c>[d][16]</c>.</param>
        /// <param name="steps">One step per chunk (<see cref="Chunks"/>).</param>
        public static float BuildTables(ReadOnlySpan<float> x, ReadOnlySpan<float> centroids, int d, Span<ushort> tables, Span<float> steps)
        {
            if (d < 1 || x.Length % d != 0)
                throw new ArgumentException($"{x.Length} activations do not make whole blocks of {d}", nameof(x));
            int groups = x.Length / d, chunks = Chunks(groups), length = LookupGemv.TableLength(groups);
            if (centroids.Length < d * Centroids || tables.Length < length || steps.Length < chunks)
                throw new ArgumentException($"{centroids.Length} centroid values, {tables.Length} table entries and {steps.Length} steps for {groups} groups of {d}");
            ref float pc = ref MemoryMarshal.GetReference(centroids);
            ref float px = ref MemoryMarshal.GetReference(x);
            ref ushort pt = ref MemoryMarshal.GetReference(tables);
            tables.Slice(groups * LookupGemv.TableEntries, length - groups * LookupGemv.TableEntries).Clear();
            double offset = 0;
            for (int c = 0; c < chunks; c++)
            {
                // Each group's 16 dot products, kept as floats in its table's own 64 bytes, then rounded in place onto the chunk's step.
                int g0 = 4 * c, g1 = Math.Min(g0 + 4, groups);
                Vector256<float> largest = default;
                for (int g = g0; g < g1; g++)
                {
                    var (lo, hi) = Dots(ref Unsafe.Add(ref px, g * d), ref pc, d);
                    ref float table = ref Unsafe.As<ushort, float>(ref Unsafe.Add(ref pt, g * LookupGemv.TableEntries));
                    lo.StoreUnsafe(ref table);
                    hi.StoreUnsafe(ref table, 8);
                    offset += lo.ToScalar();
                    var first = Vector256.Create(lo.ToScalar());
                    largest = Vector256.Max(largest, Vector256.Max(Vector256.Abs(lo - first), Vector256.Abs(hi - first)));
                }
                float deviation = LargestLane(largest);
                steps[c] = deviation / EntryLimit;
                var inverse = Vector256.Create(deviation == 0 ? 0 : EntryLimit / deviation);
                for (int g = g0; g < g1; g++)
                {
                    ref ushort entries = ref Unsafe.Add(ref pt, g * LookupGemv.TableEntries);
                    ref float table = ref Unsafe.As<ushort, float>(ref entries);
                    var lo = Vector256.LoadUnsafe(ref table);
                    var hi = Vector256.LoadUnsafe(ref table, 8);
                    var first = Vector256.Create(lo.ToScalar());
                    Vector256.Narrow(Steps(lo - first, inverse), Steps(hi - first, inverse)).AsUInt16().StoreUnsafe(ref entries);
                }
            }
            LookupGemv.CompleteTables(tables, groups);
            return (float)offset;
        }

        /// <summary>
        /// <c>acc[r] = Σ_c steps[c] · Σ_{g in chunk c} T_g[code(r, g)]</c> for the rows of <paramref name="blocks"/>
        /// blocks of codes (<see cref="LookupGemv"/>'s layout, one plane), from <see cref="BuildTables"/>'s tables and steps.
        /// </summary>
        public static void Accumulate(ReadOnlySpan<ushort> tables, ReadOnlySpan<float> steps, ReadOnlySpan<byte> codes, int blocks, Span<float> acc)
        {
            const int Rows = LookupGemv.Rows;
            int chunks = tables.Length / (4 * LookupGemv.TableEntries), blockBytes = chunks * Rows * 2;
            if ((long)blocks * blockBytes > codes.Length || blocks * Rows > acc.Length || steps.Length < chunks)
                throw new ArgumentException("the codes, the steps or the accumulators are shorter than the blocks");
            ref ushort pt = ref MemoryMarshal.GetReference(tables);
            ref float ps = ref MemoryMarshal.GetReference(steps);
            ref ushort pw = ref Unsafe.As<byte, ushort>(ref MemoryMarshal.GetReference(codes));
            ref float pa = ref MemoryMarshal.GetReference(acc);
            acc.Slice(0, blocks * Rows).Clear();
            // Passes over k as the lookup GEMV takes them, each block adding its part: the pass's tables stay in L1.
            for (int c0 = 0; c0 < chunks; c0 += LookupGemv.ChunksPerPass)
            {
                int c1 = Math.Min(c0 + LookupGemv.ChunksPerPass, chunks);
                for (int b = 0; b < blocks; b++)
                {
                    ref float ab = ref Unsafe.Add(ref pa, b * Rows);
                    ref ushort wb = ref Unsafe.Add(ref pw, b * blockBytes / 2);
                    if (LookupGemv.Use512)
                        Block512(ref pt, ref ps, ref wb, c0, c1, ref ab);
                    else if (Avx2.IsSupported)
                        BlockShuffled<Vector256<ushort>, LookupGemv.Shuffle256>(ref pt, ref ps, ref wb, c0, c1, ref ab);
                    else if (Vector128.IsHardwareAccelerated)
                        BlockShuffled<Vector128<ushort>, LookupGemv.Shuffle128>(ref pt, ref ps, ref wb, c0, c1, ref ab);
                    else
                        BlockScalar(ref pt, ref ps, ref wb, c0, c1, ref ab);
                }
            }
        }

        /// <summary>
        /// <c>y[r] = act(acc[r] + offset + bias[r])</c> for the <c>y.Length</c> rows.
        /// </summary>
        public static void Finish<TAct>(ReadOnlySpan<float> acc, float offset, ReadOnlySpan<float> bias, TAct act, Span<float> y)
            where TAct : struct, IActivationOp
        {
            int n = y.Length, r = 0;
            if (acc.Length < n || bias.Length < n)
                throw new ArgumentException($"{acc.Length} sums and {bias.Length} biases for {n} outputs");
            ref float pa = ref MemoryMarshal.GetReference(acc);
            ref float pb = ref MemoryMarshal.GetReference(bias);
            ref float py = ref MemoryMarshal.GetReference(y);
            if (Vector256.IsHardwareAccelerated)
            {
                var o = Vector256.Create(offset);
                for (; r + 8 <= n; r += 8)
                    act.Apply(Vector256.LoadUnsafe(ref pa, (nuint)r) + o + Vector256.LoadUnsafe(ref pb, (nuint)r)).StoreUnsafe(ref py, (nuint)r);
            }
            for (; r < n; r++)
                Unsafe.Add(ref py, r) = act.Apply(Unsafe.Add(ref pa, r) + offset + Unsafe.Add(ref pb, r));
        }

        /// <summary>The most the lookups' sum can differ from the sum of the float tables: half of each group's chunk step.</summary>
        public static double RoundingBound(ReadOnlySpan<float> steps, int groups)
        {
            double bound = 0;
            for (int g = 0; g < groups; g++)
                bound += steps[g / 4] / 2.0;
            return bound;
        }

        /// <summary>The 512-bit form: 32 rows a <c>vpermw</c>, each chunk's 16-bit sums widened and scaled by its step.</summary>
        private static void Block512(ref ushort tables, ref float steps, ref ushort w, int first, int end, ref float acc)
        {
            const int Rows = LookupGemv.Rows, Entries = LookupGemv.TableEntries;
            var lo = Vector512.LoadUnsafe(ref acc);
            var hi = Vector512.LoadUnsafe(ref acc, 16);
            for (int c = first; c < end; c++)
            {
                var patterns = Vector512.LoadUnsafe(ref w, (nuint)(c * Rows));
                ref ushort t = ref Unsafe.Add(ref tables, c * 4 * Entries);
                var s0 = Avx512BW.PermuteVar32x16(Vector512.LoadUnsafe(ref t), patterns)
                    + Avx512BW.PermuteVar32x16(Vector512.LoadUnsafe(ref t, Entries), patterns >>> 4);
                var s1 = Avx512BW.PermuteVar32x16(Vector512.LoadUnsafe(ref t, 2 * Entries), patterns >>> 8)
                    + Avx512BW.PermuteVar32x16(Vector512.LoadUnsafe(ref t, 3 * Entries), patterns >>> 12);
                var (l, h) = Vector512.Widen((s0 + s1).AsInt16());
                var step = Vector512.Create(Unsafe.Add(ref steps, c));
                lo += Vector512.ConvertToSingle(l) * step;
                hi += Vector512.ConvertToSingle(h) * step;
            }
            lo.StoreUnsafe(ref acc);
            hi.StoreUnsafe(ref acc, 16);
        }

        /// <summary>The byte-shuffle forms (<see cref="LookupGemv.IShuffleLanes{TVector}"/>), <c>TOps.Rows</c> rows a vector.</summary>
        private static void BlockShuffled<TVector, TOps>(ref ushort tables, ref float steps, ref ushort w, int first, int end, ref float acc)
            where TVector : struct
            where TOps : LookupGemv.IShuffleLanes<TVector>
        {
            const int Rows = LookupGemv.Rows, Entries = LookupGemv.TableEntries;
            for (int part = 0; part < Rows; part += TOps.Rows)
            {
                for (int c = first; c < end; c++)
                {
                    var patterns = TOps.Load(ref Unsafe.Add(ref w, part), (nuint)(c * Rows));
                    ref ushort t = ref Unsafe.Add(ref tables, c * 4 * Entries);
                    TVector sums = default;
                    for (int g = 0; g < 4; g++)
                    {
                        ref byte split = ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref t, g * Entries + 16));
                        sums = TOps.AddLookup(sums, Vector128.LoadUnsafe(ref split), Vector128.LoadUnsafe(ref split, 16), patterns, 4 * g);
                    }
                    TOps.AddScaled(ref Unsafe.Add(ref acc, part), sums, Unsafe.Add(ref steps, c));
                }
            }
        }

        private static void BlockScalar(ref ushort tables, ref float steps, ref ushort w, int first, int end, ref float acc)
        {
            const int Rows = LookupGemv.Rows, Entries = LookupGemv.TableEntries;
            for (int r = 0; r < Rows; r++)
            {
                float a = 0;
                for (int c = first; c < end; c++)
                {
                    int patterns = Unsafe.Add(ref w, c * Rows + r), chunk = 0;
                    for (int g = 0; g < 4; g++)
                        chunk += (short)Unsafe.Add(ref tables, (c * 4 + g) * Entries + (patterns >> 4 * g & 0xF));
                    a += chunk * Unsafe.Add(ref steps, c);
                }
                Unsafe.Add(ref acc, r) += a;
            }
        }

        /// <summary>The 16 dot products of the d activations at <paramref name="x"/> with the centroids, in two vectors of 8.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector256<float>, Vector256<float>) Dots(ref float x, ref float centroids, int d)
        {
            Vector256<float> lo = default, hi = default;
            for (int i = 0; i < d; i++)
            {
                var xi = Vector256.Create(Unsafe.Add(ref x, i));
                lo += xi * Vector256.LoadUnsafe(ref centroids, (nuint)(i * Centroids));
                hi += xi * Vector256.LoadUnsafe(ref centroids, (nuint)(i * Centroids + 8));
            }
            return (lo, hi);
        }

        private static float LargestLane(Vector256<float> v)
        {
            var m = Vector128.Max(v.GetLower(), v.GetUpper());
            m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
            return MathF.Max(m.GetElement(0), m.GetElement(1));
        }

        /// <summary>Deviations as whole steps (round to nearest even), clamped to the entry limit against float rounding.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Steps(Vector256<float> deviation, Vector256<float> inverse)
        {
            var limit = Vector256.Create((float)EntryLimit);
            return Vector256.ConvertToInt32(Vector256.Clamp(Vector256.Round(deviation * inverse), -limit, limit));
        }
    }
}
