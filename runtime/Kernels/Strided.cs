using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bitsmith.Runtime.Kernels
{
    /// <summary>Moves between a contiguous run and every <c>stride</c>-th element (a channels-last row into NCHW).</summary>
    public static class Strided
    {
        /// <summary><c>dst[i · stride] = line[i]</c>.</summary>
        public static void Scatter<T>(ReadOnlySpan<T> line, Span<T> dst, int stride)
        {
            if (line.Length > 0 && (long)(line.Length - 1) * stride >= dst.Length)
                throw new ArgumentException($"{line.Length} values at stride {stride} do not fit {dst.Length}", nameof(dst));
            // Bounds checked above, so the loop goes by reference.
            ref T source = ref MemoryMarshal.GetReference(line);
            ref T target = ref MemoryMarshal.GetReference(dst);
            for (int i = 0; i < line.Length; i++)
                Unsafe.Add(ref target, (nint)i * stride) = Unsafe.Add(ref source, i);
        }
    }
}
