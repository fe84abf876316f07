using System.Runtime.CompilerServices;

namespace Bitsmith.Runtime.Kernels.Float32
{
    /// <summary>
    /// The register tiles of <see cref="Sgemm"/>, each written once for every vector width:
    /// <c>rows × 2 vectors</c> of C kept in registers while k runs, each step loading two
    /// vectors of a B panel row and broadcasting one value of A per tile row. A tile starts from
    /// zero or, for a later depth block, from C; the last depth block adds the bias and applies
    /// the activation before the store.
    /// <para>
    /// Measured on this machine's core (f32 256x256x256, best of 40 runs, GFLOP/s of the
    /// 512-bit forms): 4x2 194, 8x2 212, 12x2 217, 6x4 (64-column panels) 216. Eight rows by two
    /// vectors keeps 16 independent accumulators (two FMA pipes of latency 4 need 8), divides
    /// the usual channel counts, and fits 32 registers with the two B vectors and the broadcast;
    /// with 16 registers (AVX2, SSE) the four-row tile does.
    /// </para>
    /// </summary>
    internal static class SgemmTiles
    {
        public static void Rows8<TVector, TOps, TBias, TAct>(ref float a, nint lda, ref float b, nint ldb, int depth, ref float c, nint ldc,
            bool accumulate, bool finish, ref float bias, TAct act)
            where TVector : struct where TOps : IFloatVector<TVector> where TBias : IBiasAxis where TAct : struct, IActivationOp
        {
            nint n = TOps.Count;
            Start<TVector, TOps>(accumulate, ref c, out var c00, out var c01);
            Start<TVector, TOps>(accumulate, ref Unsafe.Add(ref c, ldc), out var c10, out var c11);
            Start<TVector, TOps>(accumulate, ref Unsafe.Add(ref c, 2 * ldc), out var c20, out var c21);
            Start<TVector, TOps>(accumulate, ref Unsafe.Add(ref c, 3 * ldc), out var c30, out var c31);
            Start<TVector, TOps>(accumulate, ref Unsafe.Add(ref c, 4 * ldc), out var c40, out var c41);
            Start<TVector, TOps>(accumulate, ref Unsafe.Add(ref c, 5 * ldc), out var c50, out var c51);
            Start<TVector, TOps>(accumulate, ref Unsafe.Add(ref c, 6 * ldc), out var c60, out var c61);
            Start<TVector, TOps>(accumulate, ref Unsafe.Add(ref c, 7 * ldc), out var c70, out var c71);
            // Two row pointers, so every broadcast is a base plus lda times 0 to 3 (one addressing form).
            ref float a0 = ref a;
            ref float a4 = ref Unsafe.Add(ref a, 4 * lda);
            for (int k = 0; k < depth; k++)
            {
                TVector b0 = TOps.Load(ref b), b1 = TOps.Load(ref Unsafe.Add(ref b, n));
                TVector x = TOps.Broadcast(a0);
                c00 = TOps.MultiplyAdd(x, b0, c00); c01 = TOps.MultiplyAdd(x, b1, c01);
                x = TOps.Broadcast(Unsafe.Add(ref a0, lda));
                c10 = TOps.MultiplyAdd(x, b0, c10); c11 = TOps.MultiplyAdd(x, b1, c11);
                x = TOps.Broadcast(Unsafe.Add(ref a0, 2 * lda));
                c20 = TOps.MultiplyAdd(x, b0, c20); c21 = TOps.MultiplyAdd(x, b1, c21);
                x = TOps.Broadcast(Unsafe.Add(ref a0, 3 * lda));
                c30 = TOps.MultiplyAdd(x, b0, c30); c31 = TOps.MultiplyAdd(x, b1, c31);
                x = TOps.Broadcast(a4);
                c40 = TOps.MultiplyAdd(x, b0, c40); c41 = TOps.MultiplyAdd(x, b1, c41);
                x = TOps.Broadcast(Unsafe.Add(ref a4, lda));
                c50 = TOps.MultiplyAdd(x, b0, c50); c51 = TOps.MultiplyAdd(x, b1, c51);
                x = TOps.Broadcast(Unsafe.Add(ref a4, 2 * lda));
                c60 = TOps.MultiplyAdd(x, b0, c60); c61 = TOps.MultiplyAdd(x, b1, c61);
                x = TOps.Broadcast(Unsafe.Add(ref a4, 3 * lda));
                c70 = TOps.MultiplyAdd(x, b0, c70); c71 = TOps.MultiplyAdd(x, b1, c71);
                a0 = ref Unsafe.Add(ref a0, 1);
                a4 = ref Unsafe.Add(ref a4, 1);
                b = ref Unsafe.Add(ref b, ldb);
            }
            Finish<TVector, TOps, TBias, TAct>(c00, c01, ref c, finish, ref bias, 0, act);
            Finish<TVector, TOps, TBias, TAct>(c10, c11, ref Unsafe.Add(ref c, ldc), finish, ref bias, 1, act);
            Finish<TVector, TOps, TBias, TAct>(c20, c21, ref Unsafe.Add(ref c, 2 * ldc), finish, ref bias, 2, act);
            Finish<TVector, TOps, TBias, TAct>(c30, c31, ref Unsafe.Add(ref c, 3 * ldc), finish, ref bias, 3, act);
            Finish<TVector, TOps, TBias, TAct>(c40, c41, ref Unsafe.Add(ref c, 4 * ldc), finish, ref bias, 4, act);
            Finish<TVector, TOps, TBias, TAct>(c50, c51, ref Unsafe.Add(ref c, 5 * ldc), finish, ref bias, 5, act);
            Finish<TVector, TOps, TBias, TAct>(c60, c61, ref Unsafe.Add(ref c, 6 * ldc), finish, ref bias, 6, act);
            Finish<TVector, TOps, TBias, TAct>(c70, c71, ref Unsafe.Add(ref c, 7 * ldc), finish, ref bias, 7, act);
        }

        public static void Rows4<TVector, TOps, TBias, TAct>(ref float a, nint lda, ref float b, nint ldb, int depth, ref float c, nint ldc,
            bool accumulate, bool finish, ref float bias, TAct act)
            where TVector : struct where TOps : IFloatVector<TVector> where TBias : IBiasAxis where TAct : struct, IActivationOp
        {
            nint n = TOps.Count;
            Start<TVector, TOps>(accumulate, ref c, out var c00, out var c01);
            Start<TVector, TOps>(accumulate, ref Unsafe.Add(ref c, ldc), out var c10, out var c11);
            Start<TVector, TOps>(accumulate, ref Unsafe.Add(ref c, 2 * ldc), out var c20, out var c21);
            Start<TVector, TOps>(accumulate, ref Unsafe.Add(ref c, 3 * ldc), out var c30, out var c31);
            ref float a0 = ref a;
            for (int k = 0; k < depth; k++)
            {
                TVector b0 = TOps.Load(ref b), b1 = TOps.Load(ref Unsafe.Add(ref b, n));
                TVector x = TOps.Broadcast(a0);
                c00 = TOps.MultiplyAdd(x, b0, c00); c01 = TOps.MultiplyAdd(x, b1, c01);
                x = TOps.Broadcast(Unsafe.Add(ref a0, lda));
                c10 = TOps.MultiplyAdd(x, b0, c10); c11 = TOps.MultiplyAdd(x, b1, c11);
                x = TOps.Broadcast(Unsafe.Add(ref a0, 2 * lda));
                c20 = TOps.MultiplyAdd(x, b0, c20); c21 = TOps.MultiplyAdd(x, b1, c21);
                x = TOps.Broadcast(Unsafe.Add(ref a0, 3 * lda));
                c30 = TOps.MultiplyAdd(x, b0, c30); c31 = TOps.MultiplyAdd(x, b1, c31);
                a0 = ref Unsafe.Add(ref a0, 1);
                b = ref Unsafe.Add(ref b, ldb);
            }
            Finish<TVector, TOps, TBias, TAct>(c00, c01, ref c, finish, ref bias, 0, act);
            Finish<TVector, TOps, TBias, TAct>(c10, c11, ref Unsafe.Add(ref c, ldc), finish, ref bias, 1, act);
            Finish<TVector, TOps, TBias, TAct>(c20, c21, ref Unsafe.Add(ref c, 2 * ldc), finish, ref bias, 2, act);
            Finish<TVector, TOps, TBias, TAct>(c30, c31, ref Unsafe.Add(ref c, 3 * ldc), finish, ref bias, 3, act);
        }

        /// <summary>One row (a matrix-vector product): four steps of k in flight, so eight accumulators hide the FMA latency.</summary>
        public static void Rows1<TVector, TOps, TBias, TAct>(ref float a, ref float b, nint ldb, int depth, ref float c,
            bool accumulate, bool finish, ref float bias, TAct act)
            where TVector : struct where TOps : IFloatVector<TVector> where TBias : IBiasAxis where TAct : struct, IActivationOp
        {
            nint n = TOps.Count;
            Start<TVector, TOps>(accumulate, ref c, out var s0, out var s1);
            TVector t0 = TOps.Zero, t1 = TOps.Zero, u0 = TOps.Zero, u1 = TOps.Zero, v0 = TOps.Zero, v1 = TOps.Zero;
            int k = 0;
            for (; k + 4 <= depth; k += 4)
            {
                TVector x = TOps.Broadcast(a);
                s0 = TOps.MultiplyAdd(x, TOps.Load(ref b), s0); s1 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref b, n)), s1);
                ref float b1 = ref Unsafe.Add(ref b, ldb);
                x = TOps.Broadcast(Unsafe.Add(ref a, 1));
                t0 = TOps.MultiplyAdd(x, TOps.Load(ref b1), t0); t1 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref b1, n)), t1);
                ref float b2 = ref Unsafe.Add(ref b, 2 * ldb);
                x = TOps.Broadcast(Unsafe.Add(ref a, 2));
                u0 = TOps.MultiplyAdd(x, TOps.Load(ref b2), u0); u1 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref b2, n)), u1);
                ref float b3 = ref Unsafe.Add(ref b, 3 * ldb);
                x = TOps.Broadcast(Unsafe.Add(ref a, 3));
                v0 = TOps.MultiplyAdd(x, TOps.Load(ref b3), v0); v1 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref b3, n)), v1);
                a = ref Unsafe.Add(ref a, 4);
                b = ref Unsafe.Add(ref b, 4 * ldb);
            }
            for (; k < depth; k++)
            {
                TVector x = TOps.Broadcast(a);
                s0 = TOps.MultiplyAdd(x, TOps.Load(ref b), s0); s1 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref b, n)), s1);
                a = ref Unsafe.Add(ref a, 1);
                b = ref Unsafe.Add(ref b, ldb);
            }
            s0 = TOps.Add(TOps.Add(s0, t0), TOps.Add(u0, v0));
            s1 = TOps.Add(TOps.Add(s1, t1), TOps.Add(u1, v1));
            Finish<TVector, TOps, TBias, TAct>(s0, s1, ref c, finish, ref bias, 0, act);
        }

        /// <summary>A tile row's two accumulators: C's partial sums (a later depth block) or zero.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Start<TVector, TOps>(bool accumulate, ref float c, out TVector v0, out TVector v1)
            where TVector : struct where TOps : IFloatVector<TVector>
        {
            if (accumulate)
            {
                v0 = TOps.Load(ref c);
                v1 = TOps.Load(ref Unsafe.Add(ref c, TOps.Count));
            }
            else
            {
                v0 = TOps.Zero;
                v1 = TOps.Zero;
            }
        }

        /// <summary>Stores a tile row: partial sums as they are, or (the last depth block) plus the bias, through the activation.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Finish<TVector, TOps, TBias, TAct>(TVector v0, TVector v1, ref float c, bool finish, ref float bias, nint row, TAct act)
            where TVector : struct where TOps : IFloatVector<TVector> where TBias : IBiasAxis where TAct : struct, IActivationOp
        {
            if (finish)
            {
                TVector b0, b1;
                if (TBias.PerRow)
                {
                    b0 = b1 = TOps.Broadcast(Unsafe.Add(ref bias, row));
                }
                else
                {
                    b0 = TOps.Load(ref bias);
                    b1 = TOps.Load(ref Unsafe.Add(ref bias, TOps.Count));
                }
                v0 = TOps.Activate(act, TOps.Add(v0, b0));
                v1 = TOps.Activate(act, TOps.Add(v1, b1));
            }
            TOps.Store(v0, ref c);
            TOps.Store(v1, ref Unsafe.Add(ref c, TOps.Count));
        }
    }
}
