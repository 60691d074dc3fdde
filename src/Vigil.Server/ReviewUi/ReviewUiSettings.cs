namespace Vigil.Server.ReviewUi;

/// <summary>
/// How the reviewer web UI under <c>/review</c> keeps sessions and counts breaks; the break interval,
/// reveal window and exposure cap are review's own (<see cref="Vigil.Review.ReviewOptions"/>).
/// </summary>
public sealed record ReviewUiSettings
{
    /// <summary>A session unused this long ends (default 30 minutes).</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after login however busy it is (default 12 hours).</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>Most sessions held at once; beyond it the least recently used is dropped (default 10,000).</summary>
    public int MaxSessions { get; init; } = 10_000;

    /// <summary>A gap this long between a reviewer's requests counts as a break (default 10 minutes).</summary>
    public TimeSpan BreakCountsAfter { get; init; } = TimeSpan.FromMinutes(10);
}
