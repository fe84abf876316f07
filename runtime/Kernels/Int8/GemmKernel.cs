using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// <see cref="GemvKernel"/> for several activation rows at once: four rows share each weight
    /// load (the weights are read a quarter as often), output channels stay in vector lanes.
    /// <c>acc[r · accStride + n] = Σ_q dot4(x[r · quads + q], w[n, q])</c>, weights packed as for
    /// the GEMV (blocks of 16 output channels). Rows past a multiple of four take the GEMV path.
    /// </summary>
    public static class GemmKernel
    {
        public const int RowsPerTile = 4;

        public static void Accumulate<TDot>(ReadOnlySpan<int> x, int quads, int rows, ReadOnlySpan<sbyte> w, int blocks, Span<int> acc, int accStride) where TDot : IDot4
        {
            if ((long)blocks * quads * GemvKernel.Rows * 4 > w.Length || (long)rows * quads > x.Length || accStride < blocks * GemvKernel.Rows
                || rows > 0 && (long)(rows - 1) * accStride + blocks * GemvKernel.Rows > acc.Length)
                throw new ArgumentException("the rows, the packed weights or the accumulators are shorter than the blocks");
            ref int px = ref MemoryMarshal.GetReference(x);
            ref sbyte pw = ref MemoryMarshal.GetReference(w);
            ref int pa = ref MemoryMarshal.GetReference(acc);
            for (int b = 0; b < blocks; b++)
                Block<TDot>(ref px, quads, rows, ref Unsafe.Add(ref pw, b * quads * GemvKernel.Rows * 4), ref Unsafe.Add(ref pa, b * GemvKernel.Rows), accStride);
        }

        /// <summary>One block of 16 output channels for every row, unchecked: the caller has proven the extents.</summary>
        internal static void Block<TDot>(ref int x, int quads, int rows, ref sbyte wb, ref int acc, int accStride) where TDot : IDot4
        {
            int r = 0;
            if (Dot4.Use512)
                for (; r + RowsPerTile <= rows; r += RowsPerTile)
                    Tile512<TDot>(ref Unsafe.Add(ref x, r * quads), quads, ref wb, ref Unsafe.Add(ref acc, r * accStride), accStride);
            else if (Dot4.Use256)
                for (; r + RowsPerTile <= rows; r += RowsPerTile)
                    Tile256<TDot>(ref Unsafe.Add(ref x, r * quads), quads, ref wb, ref Unsafe.Add(ref acc, r * accStride), accStride);
            for (; r < rows; r++)
            {
                ref int xr = ref Unsafe.Add(ref x, r * quads);
                ref int ar = ref Unsafe.Add(ref acc, r * accStride);
                if (Dot4.Use512)
                    GemvKernel.Block512<TDot>(ref xr, ref wb, quads, ref ar);
                else if (Dot4.Use256)
                    GemvKernel.Block256<TDot>(ref xr, ref wb, quads, ref ar);
                else if (Dot4.Use128)
                    GemvKernel.Block128(ref xr, ref wb, quads, ref ar);
                else
                    GemvKernel.BlockScalar(ref xr, ref wb, quads, ref ar);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile512<TDot>(ref int x, int quads, ref sbyte w, ref int acc, int accStride) where TDot : IDot4
        {
            Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int q = 0; q < quads; q++)
            {
                var wq = Vector512.LoadUnsafe(ref Unsafe.Add(ref w, q * 64));
                a0 = TDot.Accumulate(a0, Vector512.Create(Unsafe.Add(ref x, q)).AsByte(), wq);
                a1 = TDot.Accumulate(a1, Vector512.Create(Unsafe.Add(ref x, quads + q)).AsByte(), wq);
                a2 = TDot.Accumulate(a2, Vector512.Create(Unsafe.Add(ref x, 2 * quads + q)).AsByte(), wq);
                a3 = TDot.Accumulate(a3, Vector512.Create(Unsafe.Add(ref x, 3 * quads + q)).AsByte(), wq);
            }
            a0.StoreUnsafe(ref acc);
            a1.StoreUnsafe(ref acc, (nuint)accStride);
            a2.StoreUnsafe(ref acc, (nuint)(2 * accStride));
            a3.StoreUnsafe(ref acc, (nuint)(3 * accStride));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile256<TDot>(ref int x, int quads, ref sbyte w, ref int acc, int accStride) where TDot : IDot4
        {
            Vector256<int> lo0 = default, hi0 = default, lo1 = default, hi1 = default, lo2 = default, hi2 = default, lo3 = default, hi3 = default;
            for (int q = 0; q < quads; q++)
            {
                ref sbyte wq = ref Unsafe.Add(ref w, q * 64);
                Vector256<sbyte> wlo = Vector256.LoadUnsafe(ref wq), whi = Vector256.LoadUnsafe(ref wq, 32);
                var x0 = Vector256.Create(Unsafe.Add(ref x, q)).AsByte();
                lo0 = TDot.Accumulate(lo0, x0, wlo);
                hi0 = TDot.Accumulate(hi0, x0, whi);
                var x1 = Vector256.Create(Unsafe.Add(ref x, quads + q)).AsByte();
                lo1 = TDot.Accumulate(lo1, x1, wlo);
                hi1 = TDot.Accumulate(hi1, x1, whi);
                var x2 = Vector256.Create(Unsafe.Add(ref x, 2 * quads + q)).AsByte();
                lo2 = TDot.Accumulate(lo2, x2, wlo);
                hi2 = TDot.Accumulate(hi2, x2, whi);
                var x3 = Vector256.Create(Unsafe.Add(ref x, 3 * quads + q)).AsByte();
                lo3 = TDot.Accumulate(lo3, x3, wlo);
                hi3 = TDot.Accumulate(hi3, x3, whi);
            }
            lo0.StoreUnsafe(ref acc);
            hi0.StoreUnsafe(ref acc, 8);
            lo1.StoreUnsafe(ref acc, (nuint)accStride);
            hi1.StoreUnsafe(ref acc, (nuint)accStride + 8);
            lo2.StoreUnsafe(ref acc, (nuint)(2 * accStride));
            hi2.StoreUnsafe(ref acc, (nuint)(2 * accStride) + 8);
            lo3.StoreUnsafe(ref acc, (nuint)(3 * accStride));
            hi3.StoreUnsafe(ref acc, (nuint)(3 * accStride) + 8);
        }
    }
}
