using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels
{
    /// <summary>Moves between a contiguous run and every <c>stride</c>-th element: a channels-last row into NCHW, a stride phase out of a row.</summary>
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

        /// <summary><c>into[k] = from[start + k · stride]</c>: a copy at stride 1; for bytes at stride 2, the even bytes of 16-bit words, 16 a step.</summary>
        public static void Gather<T>(ReadOnlySpan<T> from, int start, int stride, Span<T> into)
            where T : unmanaged
        {
            if (stride == 1)
            {
                from.Slice(start, into.Length).CopyTo(into);
                return;
            }
            int k = 0;
            if (stride == 2 && Unsafe.SizeOf<T>() == 1 && Vector128.IsHardwareAccelerated)
            {
                var bytes = MemoryMarshal.AsBytes(from);
                var target = MemoryMarshal.AsBytes(into);
                var low = Vector128.Create((ushort)0xFF);
                for (; k + 16 <= into.Length && start + 2 * k + 32 <= bytes.Length; k += 16)
                {
                    var a = Vector128.Create(bytes.Slice(start + 2 * k, 16)).AsUInt16() & low;
                    var b = Vector128.Create(bytes.Slice(start + 2 * k + 16, 16)).AsUInt16() & low;
                    Vector128.Narrow(a, b).CopyTo(target.Slice(k));
                }
            }
            for (; k < into.Length; k++)
                into[k] = from[start + k * stride];
        }
    }
}
