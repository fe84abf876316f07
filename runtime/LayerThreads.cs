using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;
using Bitsmith.Runtime;

namespace Bitsmith
{
    /// <summary>
    /// Worker threads for a generated model's <c>Run(..., LayerThreads threads)</c>: each layer
    /// above the compiler's work threshold shares its output tiles out between the calling thread
    /// and the workers, which claim contiguous chunks of them from one counter until none are
    /// left, and returns when all are done. A thread the OS stops for a while holds up at most the
    /// chunk it claimed: the others take the rest. Results are identical to one thread (a tile's
    /// bytes do not depend on who computes it), and a call allocates nothing. Workers spin for a
    /// short while after each layer (the next one usually follows within microseconds) and then
    /// sleep until the next call. One <c>Run</c> at a time may use an instance; create one per
    /// thread that runs models in parallel, and dispose it when no call uses it.
    /// </summary>
    public sealed unsafe class LayerThreads : IDisposable
    {
        /// <summary>The most threads an instance runs (the calling thread included).</summary>
        public const int MaxDegree = 64;

        /// <summary>How long an idle worker spins before it sleeps: waking a sleeping thread costs tens of microseconds.</summary>
        private static readonly long SpinTicks = Stopwatch.Frequency / 10_000;

        private readonly Thread[] _workers;
        private readonly SemaphoreSlim[] _wake;
        private readonly int[] _sleeping;
        private int _generation;
        private int _open;
        private int _entered;
        private int _busy;
        private volatile bool _disposed;
        private void* _job;
        private delegate*<void*, int, void> _invoke;
        private ExceptionDispatchInfo? _failure;

        /// <param name="degree">Threads a layer splits across, the calling thread included (1 runs everything on the caller).</param>
        public LayerThreads(int degree)
        {
            if (degree < 1 || degree > MaxDegree)
                throw new ArgumentOutOfRangeException(nameof(degree), degree, $"the degree of parallelism must be 1 to {MaxDegree}");
            Degree = degree;
            _workers = new Thread[degree - 1];
            _wake = new SemaphoreSlim[degree - 1];
            _sleeping = new int[degree - 1];
            for (int k = 0; k < _workers.Length; k++)
            {
                int worker = k;
                _wake[k] = new SemaphoreSlim(0);
                _workers[k] = new Thread(() => Work(worker)) { IsBackground = true, Name = $"Bitsmith layer worker {k + 1}" };
                _workers[k].Start();
            }
        }

        /// <summary>Threads a layer splits across, the calling thread included.</summary>
        public int Degree { get; }

        /// <summary>Stops the workers; a later <c>Run</c> with this instance throws <see cref="ObjectDisposedException"/>.</summary>
        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            Interlocked.Increment(ref _generation);
            foreach (var wake in _wake)
                wake.Release();
        }

        /// <summary>The job of one layer, on the calling thread's stack while the workers read it.</summary>
        private ref struct Job
        {
            public void* Body;
            public int Tiles;
            public int Chunk;
            public int Next;
            public Span<byte> Workspace;
            public Span<byte> Workers;
            public int Stride;
        }

        /// <summary>Chunks a thread would claim if all kept pace: small enough to even out a late thread, few enough to keep claims rare.</summary>
        private const int ChunksPerThread = 4;

        /// <summary>Splits tiles <c>[0, tiles)</c> across the threads (see <see cref="TileLoop.Run"/>).</summary>
        internal void Split<T>(ref T body, int tiles, Span<byte> workspace, Span<byte> workers)
            where T : ITileRange, allows ref struct
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int helpers = _workers.Length;
            if (workers.Length < (long)helpers * workspace.Length)
                throw new ArgumentException($"the workers' scratch must hold {helpers} workspaces of {workspace.Length} bytes, has {workers.Length} bytes", nameof(workers));
            if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
                throw new InvalidOperationException("this LayerThreads is already running a model on another thread; use one instance per concurrent caller");
            ExceptionDispatchInfo? failure;
            try
            {
                var job = new Job
                {
                    Body = Unsafe.AsPointer(ref body), Tiles = tiles, Chunk = Math.Max(1, tiles / (Degree * ChunksPerThread)),
                    Workspace = workspace, Workers = workers, Stride = workers.Length / helpers,
                };
                _job = Unsafe.AsPointer(ref job);
                _invoke = &Invoke<T>;
                _failure = null;
                Volatile.Write(ref _open, 1);
                // The increment is a full fence: a worker that sees the new generation sees the job.
                Interlocked.Increment(ref _generation);
                for (int k = 0; k < helpers; k++)
                    if (Volatile.Read(ref _sleeping[k]) == 1 && Interlocked.Exchange(ref _sleeping[k], 0) == 1)
                        _wake[k].Release();
                try
                {
                    Invoke<T>(_job, 0);
                }
                finally
                {
                    // Every tile is claimed. Close the job (a full fence: a worker that enters from
                    // now on sees it closed and leaves it alone), then wait for those inside it: the
                    // job lives in this frame.
                    Interlocked.Exchange(ref _open, 0);
                    while (Volatile.Read(ref _entered) != 0)
                        Thread.SpinWait(1);
                    _job = null;
                }
                failure = _failure;
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
            failure?.Throw();
        }

        /// <summary>Claims chunks of tiles for thread <paramref name="thread"/> (0: the caller) and runs them with its workspace until none are left.</summary>
        private static void Invoke<T>(void* jobAddress, int thread)
            where T : ITileRange, allows ref struct
        {
            ref Job job = ref Unsafe.AsRef<Job>(jobAddress);
            var workspace = thread == 0 ? job.Workspace : job.Workers.Slice((thread - 1) * job.Stride, job.Workspace.Length);
            ref T body = ref Unsafe.AsRef<T>(job.Body);
            int start;
            while ((start = Interlocked.Add(ref job.Next, job.Chunk) - job.Chunk) < job.Tiles)
                body.Run(start, Math.Min(start + job.Chunk, job.Tiles), workspace);
        }

        private void Work(int worker)
        {
            int seen = 0;
            while (true)
            {
                seen = WaitForJob(worker, seen);
                if (_disposed)
                    return;
                // Enter, then look (the increment is a full fence): the caller either waits for
                // this thread or has closed the job, and then this thread must not touch it. A
                // thread that enters late may find the next layer's job open; it helps with that.
                Interlocked.Increment(ref _entered);
                if (Volatile.Read(ref _open) == 1)
                {
                    try
                    {
                        _invoke(_job, worker + 1);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
                    }
                }
                Interlocked.Decrement(ref _entered);
            }
        }

        /// <summary>Spins until the generation moves past <paramref name="seen"/>, sleeping when that takes long; returns the new generation.</summary>
        private int WaitForJob(int worker, int seen)
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            int generation;
            while ((generation = Volatile.Read(ref _generation)) == seen)
            {
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.SpinWait(1);
                    continue;
                }
                // Announce the sleep with a full fence, then look once more: either the caller sees
                // the flag and releases the semaphore, or this thread sees the new generation.
                Interlocked.Exchange(ref _sleeping[worker], 1);
                if (Volatile.Read(ref _generation) == seen || Interlocked.Exchange(ref _sleeping[worker], 0) == 0)
                    _wake[worker].Wait();
                deadline = Stopwatch.GetTimestamp() + SpinTicks;
            }
            return generation;
        }
    }
}
