using System.Collections.Concurrent;
using System.Net;

namespace Vigil.Server;

/// <summary>
/// Unknown, revoked or expired keys per remote address: a token bucket each, holding up to
/// <see cref="ServerSettings.FailedKeyBurstPerAddress"/> failures and refilling at
/// <see cref="ServerSettings.FailedKeysPerSecondPerAddress"/>. An address is limited while its bucket
/// holds less than one whole token.
/// </summary>
/// <remarks>
/// Not <c>System.Threading.RateLimiting</c>'s token bucket: it refills in fractions of a token, and its
/// zero-permit probe (<c>AttemptAcquire(key, 0)</c>) succeeds as soon as any fraction is back (about
/// 30 ms after the bucket empties at 10 a second), while taking a token still fails. The probe then never
/// refused anyone and every bad key cost a store read. Here the probe and the take agree by construction,
/// and time comes from a <see cref="TimeProvider"/> so tests can move it.
/// </remarks>
public sealed class FailedKeyLimiter
{
    /// <summary>Above this many buckets, full ones (addresses idle long enough to be forgiven) are dropped.</summary>
    private const int SweepAbove = 4096;

    private readonly ConcurrentDictionary<IPAddress, Bucket> _buckets = new();
    private readonly TimeProvider _clock;
    // Tokens in whole-number units of 1/TimestampFrequency of a token, so that refills add up exactly.
    private readonly long _unit;
    private readonly long _full;
    private readonly long _perSecond;

    /// <summary>Creates the limiter from the server's settings and clock.</summary>
    public FailedKeyLimiter(ServerSettings settings, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        _unit = clock.TimestampFrequency;
        _full = settings.FailedKeyBurstPerAddress * _unit;
        _perSecond = settings.FailedKeysPerSecondPerAddress;
    }

    /// <summary>Whether the address has used up its failures for now (its bucket holds under one token).</summary>
    public bool IsLimited(IPAddress address)
    {
        if (!_buckets.TryGetValue(address, out var bucket))
            return false;
        lock (bucket)
            return Refill(bucket, _clock.GetTimestamp()) < _unit;
    }

    /// <summary>Counts one unknown, revoked or expired key from the address.</summary>
    public void RecordFailure(IPAddress address)
    {
        long now = _clock.GetTimestamp();
        var bucket = _buckets.GetOrAdd(address, static (_, state) => new Bucket(state.Full, state.Now), (Full: _full, Now: now));
        lock (bucket)
            bucket.Tokens = Math.Max(0, Refill(bucket, now) - _unit);
        if (_buckets.Count > SweepAbove)
            DropFullBuckets(now);
    }

    /// <summary>The number of addresses with a bucket (for tests and metrics).</summary>
    public int TrackedAddresses => _buckets.Count;

    private long Refill(Bucket bucket, long now)
    {
        if (now > bucket.Updated)
        {
            // Capping the elapsed time (a full bucket's worth at one a second) keeps the product from overflowing.
            long elapsed = Math.Min(now - bucket.Updated, _full);
            bucket.Tokens = Math.Min(_full, bucket.Tokens + elapsed * _perSecond);
            bucket.Updated = now;
        }
        return bucket.Tokens;
    }

    private void DropFullBuckets(long now)
    {
        foreach (var (address, bucket) in _buckets)
        {
            bool full;
            lock (bucket)
                full = Refill(bucket, now) >= _full;
            if (full)
                _buckets.TryRemove(KeyValuePair.Create(address, bucket));
        }
    }

    private sealed class Bucket(long tokens, long updated)
    {
        public long Tokens = tokens;
        public long Updated = updated;
    }
}
