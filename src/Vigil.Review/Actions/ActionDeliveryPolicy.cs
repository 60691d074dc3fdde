namespace Vigil.Review.Actions;

/// <summary>
/// How webhooks are retried: exponential backoff with full jitter (attempt n waits a random time
/// between <see cref="MinimumDelay"/> and min(<see cref="MaxDelay"/>, <see cref="BaseDelay"/> x
/// 2^(n-1))), each request given <see cref="Timeout"/>, and a delivery given up (dead) once it has
/// not succeeded within <see cref="MaxAge"/> of being recorded.
/// </summary>
public sealed record ActionDeliveryPolicy
{
    /// <summary>The first retry's longest wait (default 10 s); each later one doubles it.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait before any one retry (default 1 h).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The shortest wait, so that a jitter of zero does not resend at once (default 1 s).</summary>
    public TimeSpan MinimumDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long after it was recorded a delivery is given up (default 24 h).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long one request may take (default 10 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a dispatcher holds the deliveries it claimed (default 2 min: well over <see cref="Timeout"/>).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How many deliveries one pass claims and sends at once (default 16).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>How often an idle dispatcher looks for due deliveries (default 1 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt (1 for the first), for a jitter draw in [0, 1).</summary>
    public TimeSpan RetryDelay(int attempts, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        double ceiling = Math.Min(MaxDelay.TotalSeconds, BaseDelay.TotalSeconds * Math.Pow(2, Math.Min(attempts - 1, 40)));
        return TimeSpan.FromSeconds(Math.Max(MinimumDelay.TotalSeconds, ceiling * Math.Clamp(jitter, 0, 1)));
    }
}
