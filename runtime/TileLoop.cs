using System;

namespace Bitsmith.Runtime
{
    /// <summary>
    /// How a generated layer runs its tiles: all on the calling thread, or shared out across
    /// <see cref="LayerThreads"/> in contiguous chunks, each thread with its own workspace.
    /// Splitting never changes a result: a tile's bytes do not depend on who computes it.
    /// </summary>
    public static class TileLoop
    {
        /// <summary>
        /// Runs tiles <c>[0, tiles)</c> of <paramref name="body"/>. The calling thread uses
        /// <paramref name="workspace"/>; worker <c>k</c> (1 to degree − 1) uses the k-th of the
        /// equal parts of <paramref name="workers"/> (the scratch past the one-thread arena).
        /// </summary>
        public static void Run<T>(LayerThreads? threads, ref T body, int tiles, Span<byte> workspace, Span<byte> workers)
            where T : ITileRange, allows ref struct
        {
            if (threads is null || threads.Degree == 1 || tiles < 2)
                body.Run(0, tiles, workspace);
            else
                threads.Split(ref body, tiles, workspace, workers);
        }
    }
}
