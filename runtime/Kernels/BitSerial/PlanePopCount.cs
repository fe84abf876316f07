using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Bitsmith.Runtime.Kernels.BitSerial
{
    /// <summary>
    /// <c>Σ_t popcount(combine(a[t], w[t]))</c> over <c>words</c> plane words: the one reduction
    /// of the bit-serial kernels, in each <see cref="PopCountForm"/>.
    /// </summary>
    internal interface IPlanePopCount
    {
        static abstract int Sum<TCombine>(ref ulong a, ref ulong w, int words) where TCombine : IPlaneCombine;
    }

    internal readonly struct ScalarPopCount : IPlanePopCount
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int Sum<TCombine>(ref ulong a, ref ulong w, int words) where TCombine : IPlaneCombine
        {
            // Two independent sums, four words an iteration: the loop's own counting and branching stay off the critical path.
            int even = 0, odd = 0, t = 0;
            for (; t + 4 <= words; t += 4)
            {
                even += BitOperations.PopCount(TCombine.Apply(Unsafe.Add(ref a, t), Unsafe.Add(ref w, t)))
                    + BitOperations.PopCount(TCombine.Apply(Unsafe.Add(ref a, t + 2), Unsafe.Add(ref w, t + 2)));
                odd += BitOperations.PopCount(TCombine.Apply(Unsafe.Add(ref a, t + 1), Unsafe.Add(ref w, t + 1)))
                    + BitOperations.PopCount(TCombine.Apply(Unsafe.Add(ref a, t + 3), Unsafe.Add(ref w, t + 3)));
            }
            return even + odd + Tail<TCombine>(ref a, ref w, t, words);
        }

        /// <summary>The words from <paramref name="from"/> on, one at a time: the last few words of every form.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static int Tail<TCombine>(ref ulong a, ref ulong w, int from, int words) where TCombine : IPlaneCombine
        {
            int sum = 0;
            for (int t = from; t < words; t++)
                sum += BitOperations.PopCount(TCombine.Apply(Unsafe.Add(ref a, t), Unsafe.Add(ref w, t)));
            return sum;
        }
    }

    internal readonly struct NibblePopCount<TVector, TOps> : IPlanePopCount
        where TVector : struct
        where TOps : INibbleVector<TVector>
    {
        /// <summary>Vectors whose byte counts (at most 8 each) can be added as bytes: 31 · 8 = 248 still fits.</summary>
        private const int VectorsPerByteSum = 31;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int Sum<TCombine>(ref ulong a, ref ulong w, int words) where TCombine : IPlaneCombine
        {
            int step = TOps.Words, sum = 0, t = 0;
            while (t + step <= words)
            {
                int end = t + step * Math.Min((words - t) / step, VectorsPerByteSum);
                TVector bytes = Counts<TCombine>(ref a, ref w, t);
                for (t += step; t < end; t += step)
                    bytes = TOps.AddBytes(bytes, Counts<TCombine>(ref a, ref w, t));
                sum += TOps.SumBytes(bytes);
            }
            return sum + ScalarPopCount.Tail<TCombine>(ref a, ref w, t, words);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TVector Counts<TCombine>(ref ulong a, ref ulong w, int t) where TCombine : IPlaneCombine =>
            TOps.ByteCounts(TOps.Combine<TCombine>(TOps.Load(ref Unsafe.Add(ref a, t)), TOps.Load(ref Unsafe.Add(ref w, t))));
    }
}
