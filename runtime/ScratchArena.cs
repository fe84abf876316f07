using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bitsmith.Runtime
{
    /// <summary>
    /// The per-thread scratch memory of the generated <c>Run</c> methods. The plan places every
    /// buffer at a multiple of 64 bytes from the arena's start; starting the arena itself on a
    /// 64-byte boundary keeps each 512-bit load and store within one cache line (a load split
    /// across two lines costs about twice as much: a third more time in the depthwise kernels). The
    /// array is pinned, so the boundary found once stays where it is.
    /// </summary>
    public static unsafe class ScratchArena
    {
        private const int Alignment = 64;

        /// <summary>A zeroed, pinned array with room for <paramref name="bytes"/> from its first 64-byte boundary.</summary>
        public static byte[] Allocate(int bytes) => GC.AllocateArray<byte>(checked(bytes + Alignment - 1), pinned: true);

        /// <summary>Whether <paramref name="arena"/> (from <see cref="Allocate"/>) holds <paramref name="bytes"/> past its first 64-byte boundary.</summary>
        public static bool Holds([NotNullWhen(true)] byte[]? arena, int bytes) => arena != null && arena.Length - (Alignment - 1) >= bytes;

        /// <summary>The <paramref name="bytes"/> of <paramref name="arena"/> (from <see cref="Allocate"/>) from its first 64-byte boundary on.</summary>
        public static Span<byte> Aligned(byte[] arena, int bytes)
        {
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(arena));
            return arena.AsSpan((int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1)), bytes);
        }
    }
}
