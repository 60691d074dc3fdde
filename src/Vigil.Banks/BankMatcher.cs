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

/// <summary>A bank video that some frames of a query video hit (see <see cref="BankMatcher.FindVideoCandidatesAsync"/>).</summary>
/// <param name="Bank">The video's bank.</param>
/// <param name="ContentId">The video's content id.</param>
/// <param name="QueryFramesHit">How many of the query's frames are within the distance of one of its frames.</param>
/// <param name="ExactMd5">True when the query file's MD5 is the video's <c>video_md5</c>.</param>
/// <param name="IsNegative">True when the bank is a negative bank (not among those selected).</param>
public sealed record VideoCandidate(Bank Bank, long ContentId, int QueryFramesHit, bool ExactMd5, bool IsNegative);

/// <summary>A bank video: its content row and the hashes it is matched by.</summary>
/// <param name="Content">The content row.</param>
/// <param name="Frames">Its frames with quality at least the minimum, identical hashes once.</param>
public sealed record BankVideo(BankContent Content, PdqHash[] Frames);

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
/// signal and every matchable frame of every video's vpdq signal (keyed by content id; a frame's
/// match says <see cref="SignalType.Vpdq"/>), then the rules: only enabled banks and content, only the banks asked
/// for, and a match in a negative bank (a false-positive list) suppresses the query's other matches.
/// Safe for concurrent matches; <see cref="CatchUpAsync"/> (or <see cref="FollowAsync"/>) applies
/// the store's changes since the load, incrementally.
/// </summary>
public sealed class BankMatcher
{
    private readonly IVigilStore _store;
    private readonly PdqIndex _index;
    // The banks' own variants (pdq_variant signals): searched by robust queries only, so plain answers never change.
    private readonly PdqIndex _variants;
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
    private long _caughtUpAt = System.Diagnostics.Stopwatch.GetTimestamp();

    private BankMatcher(IVigilStore store, PdqIndex index, PdqIndex variants, Dictionary<long, Bank> banks, HashSet<string>? selected, long appliedSeq,
        ContentDirectory contentBanks, Dictionary<long, DateTimeOffset> disabled)
    {
        _store = store;
        _index = index;
        _variants = variants;
        _banks = banks;
        _selected = selected;
        _appliedSeq = appliedSeq;
        _contentBanks = contentBanks;
        _disabled = disabled;
    }

    /// <summary>Number of PDQ hashes indexed (image hashes and video frames; not the banks' variants).</summary>
    public int HashCount => _index.Count;

    /// <summary>Number of the banks' own variants indexed (<see cref="SignalType.PdqVariant"/>), which only robust queries search.</summary>
    public int VariantCount => _variants.Count;

    /// <summary>
    /// Number of PDQ hashes (image hashes and video frames) in the banks whose matches can be
    /// reported: <see cref="HashCount"/> unless banks were chosen. Walks the index once.
    /// </summary>
    public long ReportableHashCount()
    {
        if (_selected is null)
            return _index.Count;
        var banks = _banks;
        return _index.CountKeys(key =>
        {
            long contentId = key < 0 ? ~key : key;
            return banks.TryGetValue(_contentBanks.BankOf(contentId), out var bank) && _selected.Contains(bank.Name);
        });
    }

    /// <summary>Number of banks whose matches can be reported.</summary>
    public int BankCount => _selected?.Count ?? _banks.Count;

    /// <summary>The store's change sequence number the index reflects.</summary>
    public long AppliedSeq => Interlocked.Read(ref _appliedSeq);

    /// <summary>
    /// How long ago the index last held every change the store had (at the load, or at the end of
    /// the last <see cref="CatchUpAsync"/> that succeeded): how far behind the change log it may be.
    /// </summary>
    public TimeSpan SinceCaughtUp => System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref _caughtUpAt));

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
        var (index, variants, seq) = await BankIndexCache.LoadAsync(store, store.IndexSnapshots, log, cancellationToken);
        var contentBanks = await ContentDirectory.LoadAsync(store, cancellationToken);
        var disabled = await ReadDisabledAsync(store, cancellationToken);
        return new BankMatcher(store, index, variants, banks, selected, seq, contentBanks, disabled);
    }

    private static async Task<Dictionary<long, DateTimeOffset>> ReadDisabledAsync(IContentStore store, CancellationToken cancellationToken)
    {
        var disabled = new Dictionary<long, DateTimeOffset>();
        foreach (var item in await store.ListDisabledContentAsync(DateTimeOffset.UtcNow, cancellationToken))
            disabled[item.ContentId] = item.Until;
        return disabled;
    }

    private static async Task<Dictionary<long, Bank>> ReadBanksAsync(IBankStore store, CancellationToken cancellationToken)
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
            // The moment the store's latest change was read: once it is applied, the index was current then.
            long caughtUp = System.Diagnostics.Stopwatch.GetTimestamp();
            long latest = await _store.GetLatestChangeSeqAsync(cancellationToken);
            long applied = 0;
            if (latest > _appliedSeq)
            {
                applied = await BankIndexCache.ReplayAsync(_store, _index, _variants, _appliedSeq, latest, cancellationToken);
                Interlocked.Exchange(ref _appliedSeq, latest);
            }
            _banks = await ReadBanksAsync(_store, cancellationToken);
            _disabled = await ReadDisabledAsync(_store, cancellationToken);
            if (applied > 0 || _contentCache.Count > 100_000)
                _contentCache.Clear();
            Interlocked.Exchange(ref _caughtUpAt, caughtUp);
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
    public Task<QueryOutcome> MatchAsync(PdqHash[] variants, int maxDistance, string? md5, bool withContent, CancellationToken cancellationToken) =>
        MatchAsync(variants, maxDistance, md5, withContent, robust: null, cancellationToken);

    /// <summary>
    /// As <see cref="MatchAsync(PdqHash[], int, string?, bool, CancellationToken)"/>, for a robust query when
    /// <paramref name="robust"/> is given: the hashes after its <see cref="RobustSearch.OwnHashes"/> match only within its
    /// <see cref="RobustSearch.ExtraMaxDistance"/>, and every hash is also matched, within that distance, against the
    /// banks' own variants (<see cref="SignalType.PdqVariant"/>: crops of the banks' media and the like, stored by
    /// <c>vigil bank add --robust</c>). Such a match says <c>pdq_variant</c>; a content its own hash matched keeps that
    /// match; one matched only by its variants, the closest of them.
    /// </summary>
    /// <param name="variants">The query's PDQ hashes (one, the eight dihedral variants, or a robust query's; none to skip PDQ).</param>
    /// <param name="maxDistance">Largest PDQ distance that matches the banks' hashes (0..63).</param>
    /// <param name="md5">The file's MD5 in lowercase hex, or null.</param>
    /// <param name="withContent">Whether each match needs its content row (labels, metadata).</param>
    /// <param name="robust">How a robust query is searched, or null for a plain or dihedral one.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public async Task<QueryOutcome> MatchAsync(PdqHash[] variants, int maxDistance, string? md5, bool withContent, RobustSearch? robust,
        CancellationToken cancellationToken)
    {
        var found = new List<PdqMatch>();
        var hits = new List<(long ContentId, int Distance, int QueryIndex, SignalType Signal)>();
        if (variants.Length > 0)
        {
            var stats = new SearchStatistics();
            int own = robust is null ? variants.Length : Math.Clamp(robust.OwnHashes, 0, variants.Length);
            _index.Search(variants.AsSpan(0, own), maxDistance, found, ref stats);
            int extras = found.Count;
            if (own < variants.Length)
                _index.Search(variants.AsSpan(own), robust!.ExtraMaxDistance, found, ref stats);
            // A video's frames are indexed under their own key: the match says vpdq.
            for (int i = 0; i < found.Count; i++)
            {
                var hit = found[i];
                long contentId = BankIndexCache.ContentIdOf(hit.Key, out bool videoFrame);
                Keep(hits, contentId, hit.Distance, i < extras ? hit.QueryIndex : own + hit.QueryIndex, videoFrame ? SignalType.Vpdq : SignalType.Pdq);
            }
            if (robust is not null && _variants.Count > 0)
            {
                // A content its own hash matched keeps that match, however close a variant came: it is what the content is.
                int matchedOwn = hits.Count;
                found.Clear();
                _variants.Search(variants, robust.ExtraMaxDistance, found, ref stats);
                foreach (var hit in found)
                {
                    long contentId = BankIndexCache.ContentIdOf(hit.Key, out _);
                    int seen = IndexOf(hits, contentId);
                    if (seen < 0)
                        hits.Add((contentId, hit.Distance, hit.QueryIndex, SignalType.PdqVariant));
                    else if (seen >= matchedOwn && hit.Distance < hits[seen].Distance)
                        hits[seen] = (contentId, hit.Distance, hit.QueryIndex, SignalType.PdqVariant);
                }
            }
        }
        if (md5 is not null)
            await AddExactHitsAsync(new Signal(SignalType.Md5, md5), hits, cancellationToken);
        return await DecideAsync(hits, withContent, cancellationToken);
    }

    /// <summary>
    /// Matches one exact (non-perceptual) signal, such as a video's <c>video_md5</c>, through the
    /// store, with the same bank rules as <see cref="MatchAsync(PdqHash[], int, string?, bool, CancellationToken)"/>.
    /// </summary>
    public async Task<QueryOutcome> MatchExactAsync(Signal signal, bool withContent, CancellationToken cancellationToken)
    {
        var hits = new List<(long ContentId, int Distance, int QueryIndex, SignalType Signal)>();
        await AddExactHitsAsync(signal, hits, cancellationToken);
        return await DecideAsync(hits, withContent, cancellationToken);
    }

    /// <summary>Adds a hit, or keeps the closer of it and the content's earlier one (the earlier on a tie).</summary>
    private static void Keep(List<(long ContentId, int Distance, int QueryIndex, SignalType Signal)> hits, long contentId, int distance, int queryIndex, SignalType signal)
    {
        int seen = IndexOf(hits, contentId);
        if (seen < 0)
            hits.Add((contentId, distance, queryIndex, signal));
        else if (distance < hits[seen].Distance)
            hits[seen] = (contentId, distance, queryIndex, signal);
    }

    private static int IndexOf(List<(long ContentId, int Distance, int QueryIndex, SignalType Signal)> hits, long contentId)
    {
        // A handful of hits per query: a loop, and no closure allocated per hit on the lookup path.
        for (int i = 0; i < hits.Count; i++)
        {
            if (hits[i].ContentId == contentId)
                return i;
        }
        return -1;
    }

    private async Task AddExactHitsAsync(Signal signal, List<(long ContentId, int Distance, int QueryIndex, SignalType Signal)> hits, CancellationToken cancellationToken)
    {
        foreach (var exact in await _store.LookupSignalAsync(signal, cancellationToken))
        {
            if (IndexOf(hits, exact.ContentId) < 0)
                hits.Add((exact.ContentId, 0, 0, signal.Type));
        }
    }

    private async Task<QueryOutcome> DecideAsync(List<(long ContentId, int Distance, int QueryIndex, SignalType Signal)> hits, bool withContent, CancellationToken cancellationToken)
    {
        if (hits.Count == 0)
            return QueryOutcome.None;

        var now = DateTimeOffset.UtcNow;
        var banks = _banks;
        var disabled = _disabled;
        List<BankMatch>? matches = null, negative = null;
        foreach (var hit in hits)
        {
            var (bank, content) = await DecideAsync(hit.ContentId, now, banks, disabled, withContent, cancellationToken);
            if (bank is null)
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

    /// <summary>
    /// The bank of a hit when the hit counts (its bank is enabled, the content not disabled), else
    /// null; the content row too when it was read (it is when wanted, or when the content is newer than the load).
    /// </summary>
    private async ValueTask<(Bank? Bank, BankContent? Content)> DecideAsync(long contentId, DateTimeOffset now, Dictionary<long, Bank> banks,
        Dictionary<long, DateTimeOffset> disabled, bool withContent, CancellationToken cancellationToken)
    {
        long bankId = _contentBanks.BankOf(contentId);
        BankContent? content = null;
        if (bankId == 0 || withContent)
        {
            // Added since the load (its bank is learnt now), or its labels are wanted.
            content = await ReadContentAsync(contentId, cancellationToken);
            if (content is null)
                return (null, null);
            bankId = content.BankId;
            _contentBanks.Set(content.Id, bankId);
            if (content.IsDisabledAt(now))
                return (null, null);
        }
        if ((disabled.TryGetValue(contentId, out var until) && until > now) || !banks.TryGetValue(bankId, out var bank) || !bank.Enabled)
            return (null, null);
        return (bank, content);
    }

    /// <summary>
    /// The bank videos a query video's frames hit: one frame lookup per frame through the index
    /// (every bank video with a frame within <paramref name="maxDistance"/>), and exact
    /// <c>video_md5</c> matches of the file when <paramref name="videoMd5"/> is given. The banks'
    /// rules apply as in <see cref="MatchAsync(PdqHash[], int, string?, bool, CancellationToken)"/>:
    /// only enabled banks and content; only the selected banks, except negative banks, which
    /// always come back (flagged <see cref="VideoCandidate.IsNegative"/>) so that the caller can
    /// suppress the others when one matches. Image content (pdq signals) is not returned here.
    /// </summary>
    /// <param name="frames">The query's frame hashes (the caller has dropped low-quality frames and repeats).</param>
    /// <param name="maxDistance">Largest PDQ distance at which frames match (0..63).</param>
    /// <param name="videoMd5">The query file's MD5 in lowercase hex, or null.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    /// <returns>The candidates, by content id, each with how many of <paramref name="frames"/> hit it.</returns>
    public async Task<IReadOnlyList<VideoCandidate>> FindVideoCandidatesAsync(ReadOnlyMemory<PdqHash> frames, int maxDistance, string? videoMd5,
        CancellationToken cancellationToken)
    {
        var hitsByKey = new Dictionary<int, int>();
        var found = new List<PdqMatch>();
        var stats = new SearchStatistics();
        for (int i = 0; i < frames.Length; i++)
        {
            found.Clear();
            _index.Search(frames.Span.Slice(i, 1), maxDistance, found, ref stats);
            foreach (var hit in found)
            {
                if (hit.Key < 0)
                    hitsByKey[hit.Key] = hitsByKey.GetValueOrDefault(hit.Key) + 1;
            }
        }
        var counts = new Dictionary<long, (int FramesHit, bool Exact)>(hitsByKey.Count);
        foreach (var (key, framesHit) in hitsByKey)
            counts[BankIndexCache.ContentIdOf(key, out _)] = (framesHit, false);
        if (videoMd5 is not null)
        {
            foreach (var exact in await _store.LookupSignalAsync(new Signal(SignalType.VideoMd5, videoMd5), cancellationToken))
                counts[exact.ContentId] = (counts.GetValueOrDefault(exact.ContentId).FramesHit, true);
        }

        var now = DateTimeOffset.UtcNow;
        var banks = _banks;
        var disabled = _disabled;
        var candidates = new List<VideoCandidate>(counts.Count);
        foreach (var (contentId, (framesHit, exact)) in counts)
        {
            var (bank, _) = await DecideAsync(contentId, now, banks, disabled, withContent: false, cancellationToken);
            if (bank is null)
                continue;
            bool negative = bank.IsNegative && !(_selected?.Contains(bank.Name) ?? false);
            if (negative || _selected is null || _selected.Contains(bank.Name))
                candidates.Add(new VideoCandidate(bank, contentId, framesHit, exact, negative));
        }
        candidates.Sort((a, b) => a.ContentId.CompareTo(b.ContentId));
        return candidates;
    }

    /// <summary>
    /// A bank video's content row and its matchable frame hashes (quality at least
    /// <paramref name="minQuality"/>, identical hashes once), or null when the content is gone or
    /// holds no vpdq signal. The row is cached for a few seconds, as for matches with content.
    /// </summary>
    public async Task<BankVideo?> ReadVideoAsync(long contentId, int minQuality, CancellationToken cancellationToken)
    {
        var content = await ReadContentAsync(contentId, cancellationToken);
        if (content is null)
            return null;
        foreach (var signal in content.Signals)
        {
            if (signal.Type == SignalType.Vpdq)
                return new BankVideo(content, VpdqSignal.MatchableHashes(signal.Value, minQuality));
        }
        return null;
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
