using System;
using System.Collections.Generic;
using System.Linq;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// Static placement of buffers in one scratch arena: greedy by size, best fit. Buffers are
    /// placed largest first; each goes into the smallest gap left between the already placed
    /// buffers whose lifetimes overlap its own, or above them all. Buffers that are never live at
    /// the same step may share bytes. Every offset is a multiple of <see cref="Alignment"/>.
    /// </summary>
    public static class MemoryPlanner
    {
        /// <summary>A cache line, and the widest vector (512 bits).</summary>
        public const int Alignment = 64;

        public static MemoryPlan Plan(IReadOnlyList<BufferRequest> buffers)
        {
            var offsets = new long[buffers.Count];
            var placed = new List<int>();
            var order = Enumerable.Range(0, buffers.Count)
                .OrderByDescending(i => buffers[i].Bytes)
                .ThenBy(i => buffers[i].FirstStep)
                .ThenBy(i => i);
            long arena = 0;
            foreach (int b in order)
            {
                var request = buffers[b];
                long size = Align(request.Bytes);
                if (size == 0)
                    continue;
                long best = -1, bestGap = long.MaxValue, top = 0;
                foreach (int p in placed.Where(p => buffers[p].OverlapsInTime(request)).OrderBy(p => offsets[p]))
                {
                    long gap = offsets[p] - top;
                    if (gap >= size && gap < bestGap)
                    {
                        best = top;
                        bestGap = gap;
                    }
                    top = Math.Max(top, offsets[p] + Align(buffers[p].Bytes));
                }
                offsets[b] = best >= 0 ? best : top;
                arena = Math.Max(arena, offsets[b] + size);
                placed.Add(b);
            }
            return new MemoryPlan(offsets, arena, LowerBound(buffers));
        }

        /// <summary>The largest total of requested bytes live at one step.</summary>
        public static long LowerBound(IReadOnlyList<BufferRequest> buffers)
        {
            if (buffers.Count == 0)
                return 0;
            int steps = buffers.Max(b => b.LastStep) + 1;
            var live = new long[steps + 1];
            foreach (var b in buffers)
            {
                live[b.FirstStep] += b.Bytes;
                live[b.LastStep + 1] -= b.Bytes;
            }
            long running = 0, max = 0;
            foreach (long delta in live)
            {
                running += delta;
                max = Math.Max(max, running);
            }
            return max;
        }

        public static long Align(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;
    }
}
