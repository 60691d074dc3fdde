namespace Vigil.Server.ReviewUi;

/// <summary>How the reviewer web UI under <c>/review</c> behaves (sessions and breaks; media limits are the review service's).</summary>
public sealed record ReviewUiSettings
{
    /// <summary>A session unused this long ends (default 30 minutes).</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after login however busy it is (default 12 hours).</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>Most sessions held at once; beyond it the least recently used is dropped (default 10,000).</summary>
    public int MaxSessions { get; init; } = 10_000;

    /// <summary>
    /// A break reminder after this much review without a break (default 1 hour). It covers the page
    /// until acknowledged; a gap of <see cref="BreakCountsAfter"/> without a page counts as a break.
    /// </summary>
    public TimeSpan BreakEvery { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A gap this long between a reviewer's requests counts as a break (default 10 minutes).</summary>
    public TimeSpan BreakCountsAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one reveal shows the clear media at most (default 5 s; pointer-leave ends it sooner).</summary>
    public TimeSpan RevealFor { get; init; } = TimeSpan.FromSeconds(5);
}
