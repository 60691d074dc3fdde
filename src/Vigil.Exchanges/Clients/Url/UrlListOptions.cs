namespace Vigil.Exchanges.Clients.Url;

/// <summary>A hash list a partner publishes at a URL.</summary>
public sealed record UrlListOptions
{
    /// <summary>The list's URL: https, or http on this machine only.</summary>
    public required Uri Url { get; init; }

    /// <summary>The file's format, or null to detect it from the content.</summary>
    public HashListFormat? Format { get; init; }

    /// <summary>URL prefixes the list may be fetched from (an empty list allows none: a URL exchange needs one).</summary>
    public IReadOnlyList<string> AllowList { get; init; } = [];

    /// <summary>The largest file accepted. Default 1 GiB.</summary>
    public long MaxBytes { get; init; } = 1L << 30;

    /// <summary>Entries per page handed to the fetcher. Default 5,000.</summary>
    public int PageSize { get; init; } = 5_000;
}
