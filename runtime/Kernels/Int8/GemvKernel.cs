using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// The u8 × s8 matrix-vector micro-kernel with output channels in vector lanes:
    /// <c>acc[n] = Σ_q dot4(x[q], w[n, q])</c>. <c>x</c> is the activation row as 32-bit words of
    /// four bytes; <c>w</c> is packed by the compiler in blocks of <see cref="Rows"/> output
    /// channels, each block one sequential stream of <c>[quad][16 rows][4 bytes]</c>, so the
    /// weights are read once, in order (what keeps a GEMV at the memory's streaming rate).
    /// </summary>
    public static class GemvKernel
    {
        /// <summary>Output channels per packed block.</summary>
        public const int Rows = 16;

        public static void Accumulate<TDot>(ReadOnlySpan<int> x, ReadOnlySpan<sbyte> w, int blocks, Span<int> acc) where TDot : IDot4
        {
            int quads = x.Length;
            if ((long)blocks * quads * Rows * 4 > w.Length || blocks * Rows > acc.Length)
                throw new ArgumentException("the packed weights or the accumulators are shorter than the blocks");
            ref int px = ref MemoryMarshal.GetReference(x);
            ref sbyte pw = ref MemoryMarshal.GetReference(w);
            ref int pa = ref MemoryMarshal.GetReference(acc);
            for (int b = 0; b < blocks; b++)
            {
                ref sbyte wb = ref Unsafe.Add(ref pw, b * quads * Rows * 4);
                ref int ab = ref Unsafe.Add(ref pa, b * Rows);
                if (Dot4.Use512)
                    Block512<TDot>(ref px, ref wb, quads, ref ab);
                else if (Dot4.Use256)
                    Block256<TDot>(ref px, ref wb, quads, ref ab);
                else if (Dot4.Use128)
                    Block128(ref px, ref wb, quads, ref ab);
                else
                    BlockScalar(ref px, ref wb, quads, ref ab);
            }
        }

        internal static void Block512<TDot>(ref int x, ref sbyte w, int quads, ref int acc) where TDot : IDot4
        {
            Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default;
            int q = 0;
            for (; q + 4 <= quads; q += 4)
            {
                ref sbyte wq = ref Unsafe.Add(ref w, q * 64);
                a0 = TDot.Accumulate(a0, Vector512.Create(Unsafe.Add(ref x, q)).AsByte(), Vector512.LoadUnsafe(ref wq));
                a1 = TDot.Accumulate(a1, Vector512.Create(Unsafe.Add(ref x, q + 1)).AsByte(), Vector512.LoadUnsafe(ref wq, 64));
                a2 = TDot.Accumulate(a2, Vector512.Create(Unsafe.Add(ref x, q + 2)).AsByte(), Vector512.LoadUnsafe(ref wq, 128));
                a3 = TDot.Accumulate(a3, Vector512.Create(Unsafe.Add(ref x, q + 3)).AsByte(), Vector512.LoadUnsafe(ref wq, 192));
            }
            for (; q < quads; q++)
                a0 = TDot.Accumulate(a0, Vector512.Create(Unsafe.Add(ref x, q)).AsByte(), Vector512.LoadUnsafe(ref Unsafe.Add(ref w, q * 64)));
            ((a0 + a1) + (a2 + a3)).StoreUnsafe(ref acc);
        }

        internal static void Block256<TDot>(ref int x, ref sbyte w, int quads, ref int acc) where TDot : IDot4
        {
            Vector256<int> lo0 = default, hi0 = default, lo1 = default, hi1 = default;
            int q = 0;
            for (; q + 2 <= quads; q += 2)
            {
                ref sbyte wq = ref Unsafe.Add(ref w, q * 64);
                var x0 = Vector256.Create(Unsafe.Add(ref x, q)).AsByte();
                var x1 = Vector256.Create(Unsafe.Add(ref x, q + 1)).AsByte();
                lo0 = TDot.Accumulate(lo0, x0, Vector256.LoadUnsafe(ref wq));
                hi0 = TDot.Accumulate(hi0, x0, Vector256.LoadUnsafe(ref wq, 32));
                lo1 = TDot.Accumulate(lo1, x1, Vector256.LoadUnsafe(ref wq, 64));
                hi1 = TDot.Accumulate(hi1, x1, Vector256.LoadUnsafe(ref wq, 96));
            }
            for (; q < quads; q++)
            {
                var x0 = Vector256.Create(Unsafe.Add(ref x, q)).AsByte();
                lo0 = TDot.Accumulate(lo0, x0, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, q * 64)));
                hi0 = TDot.Accumulate(hi0, x0, Vector256.LoadUnsafe(ref Unsafe.Add(ref w, q * 64 + 32)));
            }
            (lo0 + lo1).StoreUnsafe(ref acc);
            (hi0 + hi1).StoreUnsafe(ref acc, 8);
        }

        internal static void Block128(ref int x, ref sbyte w, int quads, ref int acc)
        {
            Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default;
            ref int wi = ref Unsafe.As<sbyte, int>(ref w);
            for (int q = 0; q < quads; q++)
            {
                var xv = Vector128.Create(Unsafe.Add(ref x, q));
                ref int wq = ref Unsafe.Add(ref wi, q * 16);
                a0 = Dot4.Accumulate(a0, xv, Vector128.LoadUnsafe(ref wq));
                a1 = Dot4.Accumulate(a1, xv, Vector128.LoadUnsafe(ref wq, 4));
                a2 = Dot4.Accumulate(a2, xv, Vector128.LoadUnsafe(ref wq, 8));
                a3 = Dot4.Accumulate(a3, xv, Vector128.LoadUnsafe(ref wq, 12));
            }
            a0.StoreUnsafe(ref acc);
            a1.StoreUnsafe(ref acc, 4);
            a2.StoreUnsafe(ref acc, 8);
            a3.StoreUnsafe(ref acc, 12);
        }

        internal static void BlockScalar(ref int x, ref sbyte w, int quads, ref int acc)
        {
            ref int wi = ref Unsafe.As<sbyte, int>(ref w);
            for (int r = 0; r < Rows; r++)
            {
                int a = 0;
                for (int q = 0; q < quads; q++)
                    a += Dot4.Scalar(Unsafe.Add(ref x, q), Unsafe.ReadUnaligned<int>(ref Unsafe.As<int, byte>(ref Unsafe.Add(ref wi, q * 16 + r))));
                Unsafe.Add(ref acc, r) = a;
            }
        }
    }
}
