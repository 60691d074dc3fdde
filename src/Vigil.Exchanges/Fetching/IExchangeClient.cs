namespace Vigil.Exchanges.Fetching;

/// <summary>
/// One exchange's API (NCMEC hash sharing, StopNCII, ThreatExchange, a URL), read as pages of
/// changes after a checkpoint. The fetcher commits each page's entries to the bank (adding by
/// source id is idempotent, removing what is gone is too) and only then stores the page's
/// checkpoint, so a fetch killed anywhere starts again from the last stored checkpoint: nothing lost,
/// nothing added twice.
/// </summary>
public interface IExchangeClient
{
    /// <summary>
    /// Pages of changes after <paramref name="checkpoint"/> (null: from the start, a backfill), oldest
    /// first, until the exchange has nothing newer; each page says where to resume once it is committed.
    /// </summary>
    /// <exception cref="ExchangeAuthException">The exchange refused the credentials (HTTP 401/403): the fetch stops until they are fixed.</exception>
    /// <exception cref="ExchangeUnavailableException">The exchange failed (network, 5xx, 429) through every retry.</exception>
    /// <exception cref="ExchangeProtocolException">The exchange answered something this client cannot read.</exception>
    IAsyncEnumerable<ExchangePage> FetchAsync(ExchangeCheckpoint? checkpoint, CancellationToken cancellationToken = default);
}

/// <summary>Where a fetch resumes: the client's own text (a JSON object, a time, a page token), and when it was made.</summary>
/// <param name="Value">What the client needs to resume (opaque to everyone else; never a credential).</param>
/// <param name="At">When the exchange's data it stands for was current (clients tell stale checkpoints by it).</param>
public sealed record ExchangeCheckpoint(string Value, DateTimeOffset At);

/// <summary>One page of changes.</summary>
/// <param name="Entries">Additions (and refreshes) and removals, each with the exchange's id for the entry in <see cref="HashListEntry.SourceId"/>
/// and its member or uploader in <see cref="HashListEntry.Source"/> or <see cref="HashListEntry.MetadataJson"/> where the exchange gives one.</param>
/// <param name="Checkpoint">Where to resume once this page is committed; null when there is no safe point yet (NCMEC's entries
/// come out of time order inside a time range, so its checkpoint only moves when a whole range has been read).</param>
public sealed record ExchangePage(IReadOnlyList<HashListEntry> Entries, ExchangeCheckpoint? Checkpoint)
{
    /// <summary>
    /// True when the pages up to and including this one are the exchange's whole list (a URL's file): every entry of the
    /// exchange in the bank that none of them named is then removed.
    /// </summary>
    public bool EndsSnapshot { get; init; }

    /// <summary>Entries the client skipped (malformed, an unknown signal type), for the fetch's summary.</summary>
    public int Skipped { get; init; }
}
