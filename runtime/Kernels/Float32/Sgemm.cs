using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Float32
{
    /// <summary>
    /// The f32 matrix product of the layers left in float: <c>C = act(A · B + bias)</c>, A
    /// <c>rows × depth</c> read row by row (<c>lda</c> apart) and broadcast, B <c>depth × columns</c>
    /// in panels of <see cref="PanelWidth"/> columns: element (k, j) at
    /// <c>(j / 32) · panelStride + k · ldb + j % 32</c>. A Gemm's weights are packed so at build time
    /// (<c>ldb</c> 32, <c>panelStride</c> 32 · depth: each panel one sequential stream); a
    /// convolution's im2col block is plain rows (<c>ldb</c> its padded width, <c>panelStride</c> 32).
    /// Every panel is read whole, so B holds all 32 columns of the last one (zeros past
    /// <c>columns</c>), and a per-column bias as many values.
    /// <para>
    /// Register tiles of 8 rows × 2 vectors at 512 bits, 4 × 2 at 256 and 128 (the portable
    /// API, also ARM64's), 1 × 2 for the last rows (<see cref="SgemmTiles"/>); a scalar loop
    /// without SIMD. The depth runs in blocks of <see cref="DepthBlock"/>, so a block of a panel
    /// stays in L1 while every row tile uses it. The columns of a last, partial tile go through a
    /// small stack buffer. Float sums: the order differs from a sequential sum's, so results agree
    /// with one within rounding relative to <c>Σ|a·b|</c>, not bit for bit. Allocates nothing.
    /// </para>
    /// </summary>
    public static class Sgemm
    {
        /// <summary>Columns of a panel of B: two 512-bit vectors, four 256-bit, eight 128-bit.</summary>
        public const int PanelWidth = 32;

        /// <summary>
        /// Depth of one pass over C: 256 rows of a 32-column panel are 32 KB, an L1's worth.
        /// Measured at 8 rows × 32: no change up to depth 2304, 10-20 % faster at 8192 and 16384.
        /// </summary>
        public const int DepthBlock = 256;

        /// <summary>Rows of the widest tile; the partial-column buffer holds this many.</summary>
        private const int MaxTileRows = 8;

        public static void Multiply<TBias, TAct>(ReadOnlySpan<float> a, int lda, int rows, int depth,
            ReadOnlySpan<float> b, int ldb, int panelStride, int columns,
            ReadOnlySpan<float> bias, TAct act, Span<float> c, int ldc)
            where TBias : struct, IBiasAxis where TAct : struct, IActivationOp
        {
            if (rows < 0 || depth < 0 || columns < 0)
                throw new ArgumentException($"negative size: rows {rows}, depth {depth}, columns {columns}");
            if (rows == 0 || columns == 0)
                return;
            int panels = (columns + PanelWidth - 1) / PanelWidth;
            if (depth > 0 && (lda < depth || (long)(rows - 1) * lda + depth > a.Length))
                throw new ArgumentException($"A has {a.Length} values, not {rows} rows of {depth} every {lda}", nameof(a));
            if (depth > 0 && (ldb < PanelWidth || (long)(panels - 1) * panelStride + (long)(depth - 1) * ldb + PanelWidth > b.Length))
                throw new ArgumentException($"B has {b.Length} values, not {panels} panels of {depth} rows (row stride {ldb}, panel stride {panelStride})", nameof(b));
            if (bias.Length < (TBias.PerRow ? rows : panels * PanelWidth))
                throw new ArgumentException($"the bias has {bias.Length} values, fewer than the {(TBias.PerRow ? "rows" : "panels' columns")}", nameof(bias));
            if (ldc < columns || (long)(rows - 1) * ldc + columns > c.Length)
                throw new ArgumentException($"C has {c.Length} values, not {rows} rows of {columns} every {ldc}", nameof(c));

            ref float pa = ref MemoryMarshal.GetReference(a);
            ref float pb = ref MemoryMarshal.GetReference(b);
            ref float pbias = ref MemoryMarshal.GetReference(bias);
            ref float pc = ref MemoryMarshal.GetReference(c);
            if (Vector512.IsHardwareAccelerated)
                Run<Vector512<float>, Float512, TBias, TAct>(ref pa, lda, rows, depth, ref pb, ldb, panelStride, columns, ref pbias, act, ref pc, ldc, eightRows: true);
            else if (Vector256.IsHardwareAccelerated)
                Run<Vector256<float>, Float256, TBias, TAct>(ref pa, lda, rows, depth, ref pb, ldb, panelStride, columns, ref pbias, act, ref pc, ldc, eightRows: false);
            else if (Vector128.IsHardwareAccelerated)
                Run<Vector128<float>, Float128, TBias, TAct>(ref pa, lda, rows, depth, ref pb, ldb, panelStride, columns, ref pbias, act, ref pc, ldc, eightRows: false);
            else
                RunScalar<TBias, TAct>(ref pa, lda, rows, depth, ref pb, ldb, panelStride, columns, ref pbias, act, ref pc, ldc);
        }

        [SkipLocalsInit]
        private static void Run<TVector, TOps, TBias, TAct>(ref float a, nint lda, int rows, int depth, ref float b, nint ldb, nint panelStride, int columns,
            ref float bias, TAct act, ref float c, nint ldc, bool eightRows)
            where TVector : struct where TOps : IFloatVector<TVector> where TBias : IBiasAxis where TAct : struct, IActivationOp
        {
            int tileColumns = 2 * TOps.Count;
            Span<float> edge = stackalloc float[MaxTileRows * PanelWidth];
            ref float e = ref MemoryMarshal.GetReference(edge);
            for (int j = 0; j < columns; j += tileColumns)
            {
                ref float bj = ref Unsafe.Add(ref b, j / PanelWidth * panelStride + j % PanelWidth);
                ref float biasJ = ref TBias.PerRow ? ref bias : ref Unsafe.Add(ref bias, j);
                int valid = Math.Min(tileColumns, columns - j);
                if (valid == tileColumns)
                {
                    // Depth blocks outside the row tiles: a block of the panel is reused by all of them.
                    for (int k0 = 0; ; k0 += DepthBlock)
                    {
                        int kc = Math.Min(DepthBlock, depth - k0);
                        bool last = k0 + kc >= depth;
                        RowTiles<TVector, TOps, TBias, TAct>(ref Unsafe.Add(ref a, k0), lda, rows, ref Unsafe.Add(ref bj, k0 * ldb), ldb, kc,
                            ref Unsafe.Add(ref c, j), ldc, k0 > 0, last, ref biasJ, act, eightRows);
                        if (last)
                            break;
                    }
                    continue;
                }
                // The last, partial tile of columns: rows a buffer's worth at a time, all depth blocks, then the valid columns to C.
                for (int i = 0; i < rows; i += MaxTileRows)
                {
                    int count = Math.Min(MaxTileRows, rows - i);
                    ref float ai = ref Unsafe.Add(ref a, i * lda);
                    ref float biasI = ref TBias.PerRow ? ref Unsafe.Add(ref bias, i) : ref biasJ;
                    for (int k0 = 0; ; k0 += DepthBlock)
                    {
                        int kc = Math.Min(DepthBlock, depth - k0);
                        bool last = k0 + kc >= depth;
                        RowTiles<TVector, TOps, TBias, TAct>(ref Unsafe.Add(ref ai, k0), lda, count, ref Unsafe.Add(ref bj, k0 * ldb), ldb, kc,
                            ref e, tileColumns, k0 > 0, last, ref biasI, act, eightRows);
                        if (last)
                            break;
                    }
                    for (int r = 0; r < count; r++)
                        edge.Slice(r * tileColumns, valid).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref c, (i + r) * ldc + j), valid));
                }
            }
        }

        /// <summary>Row tiles down <paramref name="rows"/> rows of one column tile: eights (where 32 registers allow), fours, then single rows.</summary>
        private static void RowTiles<TVector, TOps, TBias, TAct>(ref float a, nint lda, int rows, ref float b, nint ldb, int depth, ref float c, nint ldc,
            bool accumulate, bool finish, ref float bias, TAct act, bool eightRows)
            where TVector : struct where TOps : IFloatVector<TVector> where TBias : IBiasAxis where TAct : struct, IActivationOp
        {
            int i = 0;
            if (eightRows)
                for (; i + 8 <= rows; i += 8)
                    SgemmTiles.Rows8<TVector, TOps, TBias, TAct>(ref Unsafe.Add(ref a, i * lda), lda, ref b, ldb, depth, ref Unsafe.Add(ref c, i * ldc), ldc,
                        accumulate, finish, ref TBias.PerRow ? ref Unsafe.Add(ref bias, i) : ref bias, act);
            for (; i + 4 <= rows; i += 4)
                SgemmTiles.Rows4<TVector, TOps, TBias, TAct>(ref Unsafe.Add(ref a, i * lda), lda, ref b, ldb, depth, ref Unsafe.Add(ref c, i * ldc), ldc,
                    accumulate, finish, ref TBias.PerRow ? ref Unsafe.Add(ref bias, i) : ref bias, act);
            for (; i < rows; i++)
                SgemmTiles.Rows1<TVector, TOps, TBias, TAct>(ref Unsafe.Add(ref a, i * lda), ref b, ldb, depth, ref Unsafe.Add(ref c, i * ldc),
                    accumulate, finish, ref TBias.PerRow ? ref Unsafe.Add(ref bias, i) : ref bias, act);
        }

        /// <summary>Without SIMD: one sequential float sum per element.</summary>
        private static void RunScalar<TBias, TAct>(ref float a, nint lda, int rows, int depth, ref float b, nint ldb, nint panelStride, int columns,
            ref float bias, TAct act, ref float c, nint ldc)
            where TBias : IBiasAxis where TAct : struct, IActivationOp
        {
            for (int i = 0; i < rows; i++)
            {
                ref float ai = ref Unsafe.Add(ref a, i * lda);
                for (int j = 0; j < columns; j++)
                {
                    ref float bj = ref Unsafe.Add(ref b, j / PanelWidth * panelStride + j % PanelWidth);
                    float sum = 0;
                    for (int k = 0; k < depth; k++)
                        sum += Unsafe.Add(ref ai, k) * Unsafe.Add(ref bj, k * ldb);
                    Unsafe.Add(ref c, i * ldc + j) = act.Apply(sum + Unsafe.Add(ref bias, TBias.PerRow ? i : j));
                }
            }
        }
    }
}
