namespace Vigil.Exchanges.Clients.StopNcii;

/// <summary>How a <see cref="StopNciiClient"/> reaches StopNCII and pages through its hashes.</summary>
public sealed record StopNciiOptions
{
    /// <summary>StopNCII's production API root.</summary>
    public const string DefaultBaseUrl = "https://api.stopncii.org/v1/";

    /// <summary>
    /// The <c>startTimestamp</c> of a full fetch, in Unix seconds. StopNCII's reference client starts
    /// at 10 rather than 0 (a zero may be read as "not given"); so does Vigil.
    /// </summary>
    public const long FullFetchStartTimestamp = 10;

    /// <summary>The API root the endpoints (<c>FetchHashes</c>, <c>SubmitFeedback</c>) are under; override it for test environments, proxies and fakes.</summary>
    public Uri BaseUrl { get; init; } = new(DefaultBaseUrl);

    /// <summary>Records asked for per <c>FetchHashes</c> page (<c>pageSize</c>). Default 800, as StopNCII's reference client asks.</summary>
    public int PageSize { get; init; } = 800;

    /// <summary>
    /// How old a checkpoint may be (by <see cref="Fetching.ExchangeCheckpoint.At"/>) before it is stale: StopNCII's page
    /// tokens do not live long and withdrawn hashes are not kept for ever, so after this long without a fetch the
    /// client reads everything again from the start. Default 30 days.
    /// </summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Retries and timeouts of every HTTP call.</summary>
    public ExchangeHttpOptions Http { get; init; } = new();

    /// <summary>The clock that stamps checkpoints and tells stale ones (tests inject one).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Where the client says what an operator should know (a stale checkpoint dropped, records skipped); never a credential.</summary>
    public Action<string>? Log { get; init; }
}
