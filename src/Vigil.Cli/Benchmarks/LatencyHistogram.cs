using System.Diagnostics;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// Request latencies in 10-microsecond buckets up to one second (and one bucket beyond), so a long
/// run records millions of requests in constant memory. Not thread-safe: one per worker, then merged.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int BucketMicros = 10;
    private readonly long[] _buckets = new long[100_001];
    private long _maxTicks;

    public long Count { get; private set; }

    public void Record(long stopwatchTicks)
    {
        long micros = stopwatchTicks * 1_000_000 / Stopwatch.Frequency;
        _buckets[Math.Min(micros / BucketMicros, _buckets.Length - 1)]++;
        _maxTicks = Math.Max(_maxTicks, stopwatchTicks);
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < _buckets.Length; i++)
            _buckets[i] += other._buckets[i];
        _maxTicks = Math.Max(_maxTicks, other._maxTicks);
        Count += other.Count;
    }

    /// <summary>The latency at quantile <paramref name="q"/> (0..1) in milliseconds (bucket upper edge).</summary>
    public double Milliseconds(double q)
    {
        if (Count == 0)
            return 0;
        if (q >= 1)
            return _maxTicks * 1000.0 / Stopwatch.Frequency;
        long rank = (long)Math.Ceiling(Count * q);
        long seen = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= Math.Max(1, rank))
                return (i + 1) * BucketMicros / 1000.0;
        }
        return _maxTicks * 1000.0 / Stopwatch.Frequency;
    }
}
