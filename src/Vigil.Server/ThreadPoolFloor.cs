namespace Vigil.Server;

/// <summary>
/// Raises the thread pool's floor of worker threads for the service. SQLite's "async" calls run
/// synchronously, so a batch import (an exchange backfill commits 5,000 entries at a time) or the
/// index following the change log holds a pool thread for up to a second; on a small machine (2
/// cores: a floor of 2) the lookups then waited for the pool to add threads, which it does about
/// twice a second: measured as 300 ms stalls and a lookup p99 of 27 ms during a backfill, 13 ms
/// with this floor (docs/benchmarks.md). Idle threads cost little and leave after a while.
/// </summary>
internal static class ThreadPoolFloor
{
    /// <summary>Worker threads always ready at once.</summary>
    public const int MinimumWorkers = 16;

    /// <summary>Raises the floor to <see cref="MinimumWorkers"/> (never lowers it).</summary>
    public static void Ensure()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        if (workers < MinimumWorkers)
            ThreadPool.SetMinThreads(MinimumWorkers, io);
    }
}
