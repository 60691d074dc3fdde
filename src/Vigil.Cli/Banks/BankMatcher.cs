using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Matching;
using Vigil.Storage;

namespace Vigil.Cli.Banks;

/// <summary>One match of a query in a bank, by PDQ distance or by an exact signal (md5: distance 0).</summary>
internal sealed record BankMatch(Bank Bank, BankContent Content, int Distance, int QueryIndex, SignalType Signal);

/// <summary>What a query matched, after the decision rules (disabled banks and content dropped, negative banks applied).</summary>
/// <param name="Matches">Matches to report.</param>
/// <param name="SuppressedBy">Matches in negative banks; when there are any, <paramref name="Matches"/> is empty.</param>
internal sealed record QueryOutcome(IReadOnlyList<BankMatch> Matches, IReadOnlyList<BankMatch> SuppressedBy)
{
    public static readonly QueryOutcome None = new([], []);
}

/// <summary>
/// Matches PDQ hashes against the banks in a store: an in-memory index over every PDQ signal
/// (keyed by content id), then the rules: only enabled banks and content, only the banks asked
/// for, and a match in a negative bank (a false-positive list) suppresses the query's other matches.
/// </summary>
internal sealed class BankMatcher
{
    private readonly IVigilStore _store;
    private readonly PdqIndex _index;
    private readonly Dictionary<long, Bank> _banks;
    private readonly HashSet<string>? _selected;
    private readonly Dictionary<long, BankContent?> _contentCache = [];
    private readonly List<PdqMatch> _scratch = [];

    private BankMatcher(IVigilStore store, PdqIndex index, Dictionary<long, Bank> banks, HashSet<string>? selected)
    {
        _store = store;
        _index = index;
        _banks = banks;
        _selected = selected;
    }

    /// <summary>Number of PDQ hashes indexed.</summary>
    public int HashCount => _index.Count;

    /// <summary>Number of banks whose matches can be reported.</summary>
    public int BankCount => _selected?.Count ?? _banks.Count;

    /// <summary>
    /// Loads the index from the store. <paramref name="bankNames"/> limits which banks' matches are
    /// reported (empty: every enabled bank); every negative bank still applies.
    /// </summary>
    public static async Task<BankMatcher> LoadAsync(IVigilStore store, IReadOnlyCollection<string> bankNames, TextWriter? log, CancellationToken cancellationToken)
    {
        var banks = new Dictionary<long, Bank>();
        var names = new List<string>();
        foreach (var summary in await store.ListBanksAsync(cancellationToken))
        {
            banks[summary.Bank.Id] = summary.Bank;
            names.Add(summary.Bank.Name);
        }
        HashSet<string>? selected = null;
        if (bankNames.Count > 0)
        {
            selected = new HashSet<string>(StringComparer.Ordinal);
            foreach (string name in bankNames)
            {
                if (!names.Contains(name))
                    throw new BankNotFoundException(name);
                selected.Add(name);
            }
        }

        var index = await BankIndexCache.LoadAsync(store, names, log, cancellationToken);
        return new BankMatcher(store, index, banks, selected);
    }

    /// <summary>
    /// Matches one image: its plain hash or its eight dihedral variants (none when its quality is
    /// too low to trust), and its file MD5 exactly when given (exchanges such as NCMEC share MD5
    /// lists, and an exact match holds whatever the image's quality).
    /// </summary>
    public async Task<QueryOutcome> MatchAsync(PdqHash[] variants, int maxDistance, string? md5, CancellationToken cancellationToken)
    {
        _scratch.Clear();
        if (variants.Length > 0)
        {
            var stats = new SearchStatistics();
            _index.Search(variants, maxDistance, _scratch, ref stats);
        }
        var hits = new List<(long ContentId, int Distance, int QueryIndex, SignalType Signal)>(_scratch.Count);
        foreach (var hit in _scratch)
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
        List<BankMatch>? matches = null, negative = null;
        foreach (var hit in hits)
        {
            if (!_contentCache.TryGetValue(hit.ContentId, out var content))
                _contentCache[hit.ContentId] = content = await _store.GetContentAsync(hit.ContentId, cancellationToken);
            if (content is null || content.IsDisabledAt(now) || !_banks.TryGetValue(content.BankId, out var bank) || !bank.Enabled)
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
