using System;
using System.Threading;
using Bitsmith.Runtime;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>The thread splitter under generated layers: every tile once, its own workspace, errors that reach the caller.</summary>
    public class LayerThreadsTests
    {
        /// <summary>Counts each tile it runs and writes the thread's workspace, as a generated layer would.</summary>
        private ref struct CountingTiles : ITileRange
        {
            public Span<int> Runs;
            public Span<int> Workspaces;
            public int Throw;

            public void Run(int start, int end, Span<byte> workspace)
            {
                if (start <= Throw && Throw < end)
                    throw new InvalidOperationException($"tile {Throw}");
                workspace.Fill((byte)start);
                for (int t = start; t < end; t++)
                {
                    Interlocked.Increment(ref Runs[t]);
                    // Another thread writing this workspace would change the first byte.
                    Workspaces[t] = workspace[0] == (byte)start && workspace[^1] == (byte)start ? 1 : -1;
                }
            }
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(2, 1)]
        [InlineData(2, 2)]
        [InlineData(2, 17)]
        [InlineData(3, 2)]
        [InlineData(3, 10)]
        [InlineData(4, 64)]
        public void EveryTileRunsOnceWithAWorkspaceOfItsOwn(int degree, int tiles)
        {
            using var threads = new LayerThreads(degree);
            const int bytes = 100;
            var scratch = new byte[bytes * degree];
            for (int call = 0; call < 50; call++)
            {
                var runs = new int[tiles];
                var workspaces = new int[tiles];
                var body = new CountingTiles { Runs = runs, Workspaces = workspaces, Throw = -1 };
                TileLoop.Run(threads, ref body, tiles, scratch.AsSpan(0, bytes), scratch.AsSpan(bytes));
                Assert.All(runs, r => Assert.Equal(1, r));
                Assert.All(workspaces, w => Assert.Equal(1, w));
            }
        }

        [Fact]
        public void AnExceptionOnAWorkerReachesTheCallerAndTheThreadsStayUsable()
        {
            using var threads = new LayerThreads(2);
            var scratch = new byte[64];
            var e = Assert.Throws<InvalidOperationException>(() => Count(threads, 8, 6, scratch, 32));
            Assert.Equal("tile 6", e.Message);
            Assert.All(Count(threads, 8, -1, scratch, 32), r => Assert.Equal(1, r));
        }

        /// <summary>Runs <see cref="CountingTiles"/> over <paramref name="tiles"/>, the first <paramref name="bytes"/> of the scratch for the caller; returns the runs per tile.</summary>
        private static int[] Count(LayerThreads threads, int tiles, int throwAt, byte[] scratch, int bytes)
        {
            var runs = new int[tiles];
            var body = new CountingTiles { Runs = runs, Workspaces = new int[tiles], Throw = throwAt };
            TileLoop.Run(threads, ref body, tiles, scratch.AsSpan(0, bytes), scratch.AsSpan(bytes));
            return runs;
        }

        [Fact]
        public void TooLittleWorkerScratchAndADisposedInstanceAreRefused()
        {
            var threads = new LayerThreads(3);
            var scratch = new byte[64];
            Assert.Throws<ArgumentException>(() => Count(threads, 4, -1, scratch, 32));
            threads.Dispose();
            Assert.Throws<ObjectDisposedException>(() => Count(threads, 4, -1, scratch, 16));
            Assert.Throws<ArgumentOutOfRangeException>(() => new LayerThreads(0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new LayerThreads(LayerThreads.MaxDegree + 1));
        }

        /// <summary>A layer that splits again from inside a tile: the instance is busy, and says so.</summary>
        private ref struct NestedTiles : ITileRange
        {
            public LayerThreads Threads;

            public void Run(int start, int end, Span<byte> workspace)
            {
                if (start != 0)
                    return;
                var inner = new CountingTiles { Runs = new int[4], Workspaces = new int[4], Throw = -1 };
                var scratch = new byte[64];
                TileLoop.Run(Threads, ref inner, 4, scratch.AsSpan(0, 32), scratch.AsSpan(32));
            }
        }

        [Fact]
        public void OneInstanceRunsOneLayerAtATime()
        {
            using var threads = new LayerThreads(2);
            var e = Assert.Throws<InvalidOperationException>(() => Nest(threads));
            Assert.Contains("already running", e.Message);
        }

        private static void Nest(LayerThreads threads)
        {
            var body = new NestedTiles { Threads = threads };
            TileLoop.Run(threads, ref body, 2, new byte[8], new byte[8]);
        }
    }
}
