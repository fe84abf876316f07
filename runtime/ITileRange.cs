using System;

namespace Bitsmith.Runtime
{
    /// <summary>
    /// The part of a generated layer that can run on several threads at once: its output tiles
    /// are independent, so any split of <c>[0, tiles)</c> into ranges computes the same bytes.
    /// Generated code implements it with a <c>ref struct</c> holding the layer's spans.
    /// </summary>
    public interface ITileRange
    {
        /// <summary>Computes tiles <paramref name="start"/> to <paramref name="end"/> (exclusive) with a workspace no other thread uses.</summary>
        void Run(int start, int end, Span<byte> workspace);
    }
}
