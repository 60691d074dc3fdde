namespace Vigil.Exchanges.Clients.Ncmec;

/// <summary>What an <see cref="NcmecHashClient"/> reads and how.</summary>
public sealed record NcmecOptions
{
    /// <summary>The database to read (default <see cref="NcmecEnvironment.Industry"/>); ignored when <see cref="BaseUrl"/> is set.</summary>
    public NcmecEnvironment Environment { get; init; } = NcmecEnvironment.Industry;

    /// <summary>An address that replaces the environment's (a proxy, a fake); the <c>/v2/...</c> paths go under it.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Entries per page asked of NCMEC (its <c>size</c> parameter); null: NCMEC's own (1,000).</summary>
    public int? PageSize { get; init; }

    /// <summary>
    /// The length of the first time range read as one (default 1 day). The checkpoint moves only when a whole range has
    /// been read, because NCMEC returns a range's entries out of time order. With <see cref="AdaptiveRanges"/> later
    /// ranges shrink when they hold too much and grow when they hold little.
    /// </summary>
    public TimeSpan TimeRange { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The most entries one range should hold (default 100,000): a range whose first page promises more is given up
    /// before its entries are returned and read again shorter, so a fetch killed mid-range loses little work.
    /// </summary>
    public int MaxEntriesPerRange { get; init; } = 100_000;

    /// <summary>Whether ranges shrink and grow with what they hold (default true); false: every range is <see cref="TimeRange"/>.</summary>
    public bool AdaptiveRanges { get; init; } = true;

    /// <summary>The longest range that growing reaches (default 365 days).</summary>
    public TimeSpan MaxTimeRange { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Where a backfill (a fetch without a checkpoint) starts (default 2000-01-01, before NCMEC's oldest entries).</summary>
    public DateTimeOffset BackfillStart { get; init; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far behind now a fetch stops (default 5 s), so entries still being written land in the next fetch, not half in this one.</summary>
    public TimeSpan SettleDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Only entries (and deletions) of these NCMEC member ids; null or empty: every member's.</summary>
    public IReadOnlySet<int>? Members { get; init; }

    /// <summary>
    /// The negative-feedback reason sent with a false positive: a reason's guid or name as NCMEC lists them for the
    /// fingerprint type (<c>GET /v2/feedback/{type}/reasons</c>); null: the first reason listed.
    /// </summary>
    public string? FalsePositiveReason { get; init; }

    /// <summary>The clock that says what "now" is (tests fix it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The base address in use: <see cref="BaseUrl"/> or the environment's.</summary>
    public Uri ResolveBaseUrl() => BaseUrl ?? NcmecEnvironments.BaseUrl(Environment);

    internal void Validate()
    {
        if (PageSize is <= 0)
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "page size must be positive");
        if (TimeRange < TimeSpan.FromSeconds(1))
            throw new ArgumentOutOfRangeException(nameof(TimeRange), TimeRange, "a time range is at least 1 s");
        if (MaxTimeRange < TimeRange)
            throw new ArgumentOutOfRangeException(nameof(MaxTimeRange), MaxTimeRange, "the longest range is at least the first one");
        if (MaxEntriesPerRange <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxEntriesPerRange), MaxEntriesPerRange, "must be positive");
        if (SettleDelay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(SettleDelay), SettleDelay, "must not be negative");
        if (BaseUrl is { } url && !(url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
            throw new ArgumentException($"NCMEC base URL must be an absolute http(s) URL, not {url}", nameof(BaseUrl));
    }
}
