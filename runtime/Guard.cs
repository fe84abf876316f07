using System;
using System.Runtime.InteropServices;

namespace Bitsmith.Runtime
{
    /// <summary>Argument checks of generated Run methods.</summary>
    public static class Guard
    {
        /// <summary>Throws unless the two spans share no byte: a model writes its outputs while it still reads its inputs.</summary>
        public static void Disjoint<TA, TB>(ReadOnlySpan<TA> a, string aName, ReadOnlySpan<TB> b, string bName)
            where TA : struct
            where TB : struct
        {
            if (MemoryExtensions.Overlaps(MemoryMarshal.AsBytes(a), MemoryMarshal.AsBytes(b)))
                throw new ArgumentException($"{aName} and {bName} must not overlap");
        }
    }
}
