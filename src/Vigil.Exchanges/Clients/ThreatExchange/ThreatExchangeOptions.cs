namespace Vigil.Exchanges.Clients.ThreatExchange;

/// <summary>Where and how a <see cref="ThreatExchangeClient"/> reads one privacy group of Meta's ThreatExchange (Graph API).</summary>
public sealed record ThreatExchangeOptions
{
    /// <summary>The Graph API's address. Default <c>https://graph.facebook.com/</c>; a test environment, a proxy or a fake otherwise.</summary>
    public Uri BaseUrl { get; init; } = new("https://graph.facebook.com/");

    /// <summary>The Graph API version, the first segment of every path (e.g. <c>v22.0</c>).</summary>
    public string ApiVersion { get; init; } = "v22.0";

    /// <summary>The ThreatPrivacyGroup whose <c>threat_updates</c> are read (its numeric id). Required.</summary>
    public required string PrivacyGroupId { get; init; }

    /// <summary>Updates asked for per page (the API's <c>limit</c>). Default 500.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>
    /// How old a checkpoint may be before the client starts over with a full fetch. The API keeps deletion records
    /// for 90 days, so a copy not brought up to date within that window may hold entries deleted since. Default 85 days.
    /// </summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromDays(85);

    /// <summary>
    /// The indicator types to ask for (the API's <c>types</c>, e.g. <c>HASH_PDQ</c>); null asks for every type, and the
    /// ones Vigil has no signal type for are skipped and counted.
    /// </summary>
    public IReadOnlyList<string>? IndicatorTypes { get; init; }

    /// <summary>The reaction sent for a false positive. Default <c>DISAGREE_WITH_TAGS</c> (what Meta documents as equivalent to a non-malicious report).</summary>
    public string FalsePositiveReaction { get; init; } = "DISAGREE_WITH_TAGS";

    /// <summary>The reaction sent for a confirmed match. Default <c>SAW_THIS_TOO</c>; null when confirmations are not sent.</summary>
    public string? ConfirmedReaction { get; init; } = "SAW_THIS_TOO";

    /// <summary>Retries, timeouts and the clock (checkpoint times and staleness are read from its <see cref="ExchangeHttpOptions.TimeProvider"/>).</summary>
    public ExchangeHttpOptions Http { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException("ThreatExchange base URL must be an absolute http(s) URL", nameof(BaseUrl));
        if (string.IsNullOrWhiteSpace(ApiVersion) || ApiVersion.Contains('/', StringComparison.Ordinal) || ApiVersion.Contains('?', StringComparison.Ordinal))
            throw new ArgumentException($"ThreatExchange API version '{ApiVersion}' is not a path segment (e.g. v22.0)", nameof(ApiVersion));
        if (!IsNumericId(PrivacyGroupId))
            throw new ArgumentException($"ThreatExchange privacy group id must be a number, not '{PrivacyGroupId}'", nameof(PrivacyGroupId));
        if (PageSize is < 1 or > 5000)
            throw new ArgumentException($"ThreatExchange page size must be between 1 and 5000, not {PageSize}", nameof(PageSize));
        if (StaleAfter <= TimeSpan.Zero)
            throw new ArgumentException("ThreatExchange staleness window must be positive", nameof(StaleAfter));
        if (string.IsNullOrWhiteSpace(FalsePositiveReaction))
            throw new ArgumentException("ThreatExchange false-positive reaction must be named", nameof(FalsePositiveReaction));
    }

    internal static bool IsNumericId(string? id) => !string.IsNullOrEmpty(id) && id.Length <= 32 && id.All(char.IsAsciiDigit);
}
