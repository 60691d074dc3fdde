using System.Collections.Concurrent;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Matching;
using Vigil.Storage;

namespace Vigil.Banks;

/// <summary>One match of a query in a bank, by PDQ distance or by an exact signal (md5: distance 0).</summary>
/// <param name="Bank">The bank matched.</param>
/// <param name="Content">The bank content matched.</param>
/// <param name="Distance">PDQ Hamming distance (0 for exact signals).</param>
/// <param name="QueryIndex">Which of the query's hashes matched (the dihedral variant's index).</param>
/// <param name="Signal">The signal type that matched.</param>
public sealed record BankMatch(Bank Bank, BankContent Content, int Distance, int QueryIndex, SignalType Signal);

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
    // Content rows read for matches, kept briefly: classification and disabled_until changes are not
    // in the change log, so a cached row is trusted for ContentCacheTime at most.
    private static readonly TimeSpan ContentCacheTime = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<long, (BankContent? Content, long Until)> _contentCache = new();
    private readonly SemaphoreSlim _catchUp = new(1, 1);
    private volatile Dictionary<long, Bank> _banks;
    private long _appliedSeq;

    private BankMatcher(IVigilStore store, PdqIndex index, Dictionary<long, Bank> banks, HashSet<string>? selected, long appliedSeq)
    {
        _store = store;
        _index = index;
        _banks = banks;
        _selected = selected;
        _appliedSeq = appliedSeq;
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
        var names = banks.Values.Select(b => b.Name).ToList();
        var (index, seq) = await BankIndexCache.LoadAsync(store, names, log, cancellationToken);
        return new BankMatcher(store, index, banks, selected, seq);
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
    /// settings, and forgets cached content when anything changed (cached content also expires after
    /// a few seconds: classification and disabled_until changes are not in the change log).
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
            if (applied > 0 || _contentCache.Count > 1_000_000)
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
    /// lists, and an exact match holds whatever the image's quality).
    /// </summary>
    /// <param name="variants">The query's PDQ hashes (one, or the eight dihedral variants; none to skip PDQ).</param>
    /// <param name="maxDistance">Largest PDQ distance that matches (0..63).</param>
    /// <param name="md5">The file's MD5 in lowercase hex, or null.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public async Task<QueryOutcome> MatchAsync(PdqHash[] variants, int maxDistance, string? md5, CancellationToken cancellationToken)
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
        List<BankMatch>? matches = null, negative = null;
        foreach (var hit in hits)
        {
            long tick = Environment.TickCount64;
            BankContent? content;
            if (_contentCache.TryGetValue(hit.ContentId, out var cached) && cached.Until > tick)
            {
                content = cached.Content;
            }
            else
            {
                content = await _store.GetContentAsync(hit.ContentId, cancellationToken);
                _contentCache[hit.ContentId] = (content, tick + (long)ContentCacheTime.TotalMilliseconds);
            }
            if (content is null || content.IsDisabledAt(now) || !banks.TryGetValue(content.BankId, out var bank) || !bank.Enabled)
                continue;
            var match = new BankMatch(bank, content, hit.Distance, hit.QueryIndex, hit.Signal);
            if (bank.IsNegative && !(_selected?.Contains(bank.Name) ?? false))
                (negative ??= []).Add(match);
            else if (_selected is null || _selected.Contains(bank.Name))
                (matches ??= []).Add(match);
        }
        if (negative is not null)
            return new QueryOutcome([], negative);
        if (matches is null)
            return QueryOutcome.None;
        matches.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Content.Id.CompareTo(b.Content.Id));
        return new QueryOutcome(matches, []);
    }
}
