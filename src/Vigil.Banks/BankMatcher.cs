using System.Collections.Concurrent;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Matching;
using Vigil.Storage;

namespace Vigil.Banks;

/// <summary>One match of a query in a bank, by PDQ distance or by an exact signal (md5: distance 0).</summary>
/// <param name="Bank">The bank matched.</param>
/// <param name="ContentId">The bank content matched.</param>
/// <param name="Distance">PDQ Hamming distance (0 for exact signals).</param>
/// <param name="QueryIndex">Which of the query's hashes matched (the dihedral variant's index).</param>
/// <param name="Signal">The signal type that matched.</param>
/// <param name="Content">The content's row (labels, metadata), when the match was asked for with content; else null.</param>
public sealed record BankMatch(Bank Bank, long ContentId, int Distance, int QueryIndex, SignalType Signal, BankContent? Content);

/// <summary>What a query matched, after the decision rules (disabled banks and content dropped, negative banks applied).</summary>
/// <param name="Matches">Matches to report.</param>
/// <param name="SuppressedBy">Matches in negative banks; when there are any, <paramref name="Matches"/> is empty.</param>
public sealed record QueryOutcome(IReadOnlyList<BankMatch> Matches, IReadOnlyList<BankMatch> SuppressedBy)
{
    /// <summary>Nothing matched.</summary>
    public static readonly QueryOutcome None = new([], []);
}

/// <summary>
/// Matches PDQ hashes and MD5s against the banks in a store: an in-memory index over every PDQ
/// signal (keyed by content id), then the rules: only enabled banks and content, only the banks asked
/// for, and a match in a negative bank (a false-positive list) suppresses the query's other matches.
/// Safe for concurrent matches; <see cref="CatchUpAsync"/> (or <see cref="FollowAsync"/>) applies
/// the store's changes since the load, incrementally.
/// </summary>
public sealed class BankMatcher
{
    private readonly IVigilStore _store;
    private readonly PdqIndex _index;
    private readonly HashSet<string>? _selected;
    private readonly ContentDirectory _contentBanks;
    // Content rows, read only for matches asked for with their content, kept briefly: classification
    // and metadata changes are not in the change log, so a cached row is trusted for ContentCacheTime at most.
    private static readonly TimeSpan ContentCacheTime = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<long, (BankContent? Content, long Until)> _contentCache = new();
    private readonly SemaphoreSlim _catchUp = new(1, 1);
    private volatile Dictionary<long, Bank> _banks;
    // Disabled content (few), re-read with every catch-up: disabled_until is not in the change log.
    private volatile Dictionary<long, DateTimeOffset> _disabled;
    private long _appliedSeq;

    private BankMatcher(IVigilStore store, PdqIndex index, Dictionary<long, Bank> banks, HashSet<string>? selected, long appliedSeq,
        ContentDirectory contentBanks, Dictionary<long, DateTimeOffset> disabled)
    {
        _store = store;
        _index = index;
        _banks = banks;
        _selected = selected;
        _appliedSeq = appliedSeq;
        _contentBanks = contentBanks;
        _disabled = disabled;
    }

    /// <summary>Number of PDQ hashes indexed.</summary>
    public int HashCount => _index.Count;

    /// <summary>Number of banks whose matches can be reported.</summary>
    public int BankCount => _selected?.Count ?? _banks.Count;

    /// <summary>The store's change sequence number the index reflects.</summary>
    public long AppliedSeq => Interlocked.Read(ref _appliedSeq);

    /// <summary>
    /// Loads the index from the store. <paramref name="bankNames"/> limits which banks' matches are
    /// reported (empty: every enabled bank); every negative bank still applies.
    /// </summary>
    /// <param name="store">The store holding the banks.</param>
    /// <param name="bankNames">Banks whose matches to report; empty for every enabled bank.</param>
    /// <param name="log">Where warnings go (a damaged snapshot, say), or null.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    public static async Task<BankMatcher> LoadAsync(IVigilStore store, IReadOnlyCollection<string> bankNames, TextWriter? log, CancellationToken cancellationToken)
    {
        var banks = await ReadBanksAsync(store, cancellationToken);
        HashSet<string>? selected = null;
        if (bankNames.Count > 0)
        {
            selected = new HashSet<string>(StringComparer.Ordinal);
            foreach (string name in bankNames)
            {
                if (!banks.Values.Any(b => b.Name == name))
                    throw new BankNotFoundException(name);
                selected.Add(name);
            }
        }
        var (index, seq) = await BankIndexCache.LoadAsync(store, log, cancellationToken);
        var contentBanks = await ContentDirectory.LoadAsync(store, cancellationToken);
        var disabled = await ReadDisabledAsync(store, cancellationToken);
        return new BankMatcher(store, index, banks, selected, seq, contentBanks, disabled);
    }

    private static async Task<Dictionary<long, DateTimeOffset>> ReadDisabledAsync(IVigilStore store, CancellationToken cancellationToken)
    {
        var disabled = new Dictionary<long, DateTimeOffset>();
        foreach (var item in await store.ListDisabledContentAsync(DateTimeOffset.UtcNow, cancellationToken))
            disabled[item.ContentId] = item.Until;
        return disabled;
    }

    private static async Task<Dictionary<long, Bank>> ReadBanksAsync(IVigilStore store, CancellationToken cancellationToken)
    {
        var banks = new Dictionary<long, Bank>();
        // Without content counts: a replica re-reads the banks every second.
        foreach (var bank in await store.ListBankSettingsAsync(cancellationToken))
            banks[bank.Id] = bank;
        return banks;
    }

    /// <summary>
    /// Applies the store's changes since the last call (or the load) to the index, re-reads the banks'
    /// settings and the disabled content (disabled_until changes are not in the change log), and
    /// forgets cached content rows when anything changed (they also expire after a few seconds).
    /// Returns the number of changes applied.
    /// </summary>
    public async Task<long> CatchUpAsync(CancellationToken cancellationToken)
    {
        await _catchUp.WaitAsync(cancellationToken);
        try
        {
            long latest = await _store.GetLatestChangeSeqAsync(cancellationToken);
            long applied = 0;
            if (latest > _appliedSeq)
            {
                applied = await BankIndexCache.ReplayAsync(_store, _index, _appliedSeq, latest, cancellationToken);
                Interlocked.Exchange(ref _appliedSeq, latest);
            }
            _banks = await ReadBanksAsync(_store, cancellationToken);
            _disabled = await ReadDisabledAsync(_store, cancellationToken);
            if (applied > 0 || _contentCache.Count > 100_000)
                _contentCache.Clear();
            return applied;
        }
        finally
        {
            _catchUp.Release();
        }
    }

    /// <summary>Calls <see cref="CatchUpAsync"/> every <paramref name="interval"/> until cancelled; errors go to <paramref name="log"/> and the loop goes on.</summary>
    public async Task FollowAsync(TimeSpan interval, TextWriter? log, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await CatchUpAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log?.WriteLine($"warning: following bank changes failed ({e.Message}); retrying in {interval.TotalSeconds:0.#} s");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    /// <summary>
    /// Matches one image: its plain hash or its eight dihedral variants (none when its quality is
    /// too low to trust), and its file MD5 exactly when given (exchanges such as NCMEC share MD5
    /// lists, and an exact match holds whatever the image's quality). Each match carries its content row.
    /// </summary>
    /// <param name="variants">The query's PDQ hashes (one, or the eight dihedral variants; none to skip PDQ).</param>
    /// <param name="maxDistance">Largest PDQ distance that matches (0..63).</param>
    /// <param name="md5">The file's MD5 in lowercase hex, or null.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public Task<QueryOutcome> MatchAsync(PdqHash[] variants, int maxDistance, string? md5, CancellationToken cancellationToken) =>
        MatchAsync(variants, maxDistance, md5, withContent: true, cancellationToken);

    /// <summary>
    /// As <see cref="MatchAsync(PdqHash[], int, string?, CancellationToken)"/>; with
    /// <paramref name="withContent"/> false the matches carry no content row, and deciding them reads
    /// nothing from the store (banks, each content's bank and the disabled items are in memory).
    /// </summary>
    /// <param name="variants">The query's PDQ hashes (one, or the eight dihedral variants; none to skip PDQ).</param>
    /// <param name="maxDistance">Largest PDQ distance that matches (0..63).</param>
    /// <param name="md5">The file's MD5 in lowercase hex, or null.</param>
    /// <param name="withContent">Whether each match needs its content row (labels, metadata).</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public async Task<QueryOutcome> MatchAsync(PdqHash[] variants, int maxDistance, string? md5, bool withContent, CancellationToken cancellationToken)
    {
        var found = new List<PdqMatch>();
        if (variants.Length > 0)
        {
            var stats = new SearchStatistics();
            _index.Search(variants, maxDistance, found, ref stats);
        }
        var hits = new List<(long ContentId, int Distance, int QueryIndex, SignalType Signal)>(found.Count);
        foreach (var hit in found)
            hits.Add((hit.Key, hit.Distance, hit.QueryIndex, SignalType.Pdq));
        if (md5 is not null)
        {
            foreach (var exact in await _store.LookupSignalAsync(new Signal(SignalType.Md5, md5), cancellationToken))
            {
                if (!hits.Exists(h => h.ContentId == exact.ContentId))
                    hits.Add((exact.ContentId, 0, 0, SignalType.Md5));
            }
        }
        if (hits.Count == 0)
            return QueryOutcome.None;

        var now = DateTimeOffset.UtcNow;
        var banks = _banks;
        var disabled = _disabled;
        List<BankMatch>? matches = null, negative = null;
        foreach (var hit in hits)
        {
            long bankId = _contentBanks.BankOf(hit.ContentId);
            BankContent? content = null;
            if (bankId == 0 || withContent)
            {
                // Added since the load (its bank is learnt now), or its labels are wanted.
                content = await ReadContentAsync(hit.ContentId, cancellationToken);
                if (content is null)
                    continue;
                bankId = content.BankId;
                _contentBanks.Set(content.Id, bankId);
                if (content.IsDisabledAt(now))
                    continue;
            }
            if ((disabled.TryGetValue(hit.ContentId, out var until) && until > now) || !banks.TryGetValue(bankId, out var bank) || !bank.Enabled)
                continue;
            var match = new BankMatch(bank, hit.ContentId, hit.Distance, hit.QueryIndex, hit.Signal, withContent ? content : null);
            if (bank.IsNegative && !(_selected?.Contains(bank.Name) ?? false))
                (negative ??= []).Add(match);
            else if (_selected is null || _selected.Contains(bank.Name))
                (matches ??= []).Add(match);
        }
        if (negative is not null)
            return new QueryOutcome([], negative);
        if (matches is null)
            return QueryOutcome.None;
        matches.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.ContentId.CompareTo(b.ContentId));
        return new QueryOutcome(matches, []);
    }

    private async ValueTask<BankContent?> ReadContentAsync(long contentId, CancellationToken cancellationToken)
    {
        long tick = Environment.TickCount64;
        if (_contentCache.TryGetValue(contentId, out var cached) && cached.Until > tick)
            return cached.Content;
        var content = await _store.GetContentAsync(contentId, cancellationToken);
        _contentCache[contentId] = (content, tick + (long)ContentCacheTime.TotalMilliseconds);
        return content;
    }
}
