using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Lookup
{
    /// <summary>
    /// The f32 matrix-vector product with a product-quantised weight of at most 16 centroids (iPQ's
    /// <c>W[r, g·d .. g·d+d) = C[code(r, g)]</c>), by table lookup ("fast scan"): once per input, each
    /// group g of d activations gets a table of its dot products with the 16 centroids,
    /// <c>T_g[c] = Σ_i x[g·d+i] · C[c, i]</c>; then <c>y[r] = Σ_g T_g[code(r, g)]</c>, one lookup for d
    /// multiply-adds, 32 rows a lookup in <see cref="LookupGemv"/>'s lanes.
    /// <para>The tables are integers so that the lookups add in 16-bit lanes: each entry is stored as
    /// <c>round((T_g[c] − T_g[0]) / s)</c>, one step s for the whole input chosen so that the largest
    /// deviation is <see cref="LookupGemv.SignedEntryLimit"/>, and <c>Σ_g T_g[0]</c> is added back in
    /// float: <c>y[r] ≈ s · acc[r] + Σ_g T_g[0]</c>, within <c>groups · s / 2</c> of the exact sum of the
    /// float tables (<see cref="RoundingBound"/>).</para>
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

        /// <summary>
        /// Builds the tables of <paramref name="x"/> (<c>x.Length / d</c> groups, then zeros up to whole
        /// chunks) and returns their step s; <paramref name="offset"/> gets <c>Σ_g T_g[0]</c>.
        /// </summary>
        /// <param name="centroids">The codebook coordinate-major: <c>[d][16]</c>.</param>
        public static float BuildTables(ReadOnlySpan<float> x, ReadOnlySpan<float> centroids, int d, Span<ushort> tables, out float offset)
        {
            if (d < 1 || x.Length % d != 0)
                throw new ArgumentException($"{x.Length} activations do not make whole blocks of {d}", nameof(x));
            int groups = x.Length / d, length = LookupGemv.TableLength(groups);
            if (centroids.Length < d * Centroids || tables.Length < length)
                throw new ArgumentException($"{centroids.Length} centroid values and {tables.Length} table entries for {groups} groups of {d}");
            // Pass 1: each group's 16 dot products, kept as floats in its table's 64 bytes, the largest
            // deviation |T_g[c] - T_g[0]|, and the offset. Pass 2 rounds each table onto the step in place.
            ref float pc = ref MemoryMarshal.GetReference(centroids);
            ref float px = ref MemoryMarshal.GetReference(x);
            ref ushort pt = ref MemoryMarshal.GetReference(tables);
            Vector256<float> largest = default;
            double sum = 0;
            for (int g = 0; g < groups; g++)
            {
                var (lo, hi) = Dots(ref Unsafe.Add(ref px, g * d), ref pc, d);
                ref float table = ref Unsafe.As<ushort, float>(ref Unsafe.Add(ref pt, g * LookupGemv.TableEntries));
                lo.StoreUnsafe(ref table);
                hi.StoreUnsafe(ref table, 8);
                sum += lo.ToScalar();
                var first = Vector256.Create(lo.ToScalar());
                largest = Vector256.Max(largest, Vector256.Max(Vector256.Abs(lo - first), Vector256.Abs(hi - first)));
            }
            offset = (float)sum;
            float deviation = LargestLane(largest), step = deviation / LookupGemv.SignedEntryLimit;
            var inverse = Vector256.Create(deviation == 0 ? 0 : LookupGemv.SignedEntryLimit / deviation);
            for (int g = 0; g < groups; g++)
            {
                ref ushort entries = ref Unsafe.Add(ref pt, g * LookupGemv.TableEntries);
                ref float table = ref Unsafe.As<ushort, float>(ref entries);
                var lo = Vector256.LoadUnsafe(ref table);
                var hi = Vector256.LoadUnsafe(ref table, 8);
                var first = Vector256.Create(lo.ToScalar());
                Vector256.Narrow(Steps(lo - first, inverse), Steps(hi - first, inverse)).AsUInt16().StoreUnsafe(ref entries);
            }
            tables.Slice(groups * LookupGemv.TableEntries, length - groups * LookupGemv.TableEntries).Clear();
            LookupGemv.CompleteTables(tables, groups);
            return step;
        }

        /// <summary>
        /// <c>y[r] = act(step · acc[r] + offset + bias[r])</c> for the <c>y.Length</c> rows.
        /// </summary>
        public static void Finish<TAct>(ReadOnlySpan<int> acc, float step, float offset, ReadOnlySpan<float> bias, TAct act, Span<float> y)
            where TAct : struct, IActivationOp
        {
            int n = y.Length, r = 0;
            if (acc.Length < n || bias.Length < n)
                throw new ArgumentException($"{acc.Length} sums and {bias.Length} biases for {n} outputs");
            ref int pa = ref MemoryMarshal.GetReference(acc);
            ref float pb = ref MemoryMarshal.GetReference(bias);
            ref float py = ref MemoryMarshal.GetReference(y);
            if (Vector256.IsHardwareAccelerated)
            {
                var s = Vector256.Create(step);
                var o = Vector256.Create(offset);
                for (; r + 8 <= n; r += 8)
                {
                    var v = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref pa, (nuint)r)) * s + o + Vector256.LoadUnsafe(ref pb, (nuint)r);
                    act.Apply(v).StoreUnsafe(ref py, (nuint)r);
                }
            }
            for (; r < n; r++)
                Unsafe.Add(ref py, r) = act.Apply(Unsafe.Add(ref pa, r) * step + offset + Unsafe.Add(ref pb, r));
        }

        /// <summary>The most the lookups' sum can differ from the sum of the float tables: half a step a group.</summary>
        public static float RoundingBound(int groups, float step) => groups * step / 2;

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
            var limit = Vector256.Create((float)LookupGemv.SignedEntryLimit);
            return Vector256.ConvertToInt32(Vector256.Clamp(Vector256.Round(deviation * inverse), -limit, limit));
        }
    }
}
