using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Exchanges.Fetching;
using Vigil.Storage;

namespace Vigil.Exchanges.Sync;

/// <summary>
/// One fetch of one exchange into its bank: holds the exchange (one fetcher at a time), reads the
/// client's pages from the stored checkpoint, commits the entries in batches (5,000, or every 60 s)
/// and saves the newest safe checkpoint after each commit. Adding by source id and removing are
/// idempotent, so a fetch killed anywhere goes on from the last saved checkpoint with nothing lost
/// and nothing added twice. A run stops at its time cap and the next goes on. Between full batches
/// a backfill rests, so that it keeps the server busy for at most <see cref="FetchLimits.BackfillShare"/>
/// of the time and lookups keep their latency.
/// </summary>
public sealed class ExchangeFetcher(IVigilStore store, FetchLimits? limits = null, TimeProvider? clock = null, ILogger? logger = null)
{
    private readonly IVigilStore _store = store ?? throw new ArgumentNullException(nameof(store));
    private readonly FetchLimits _limits = limits ?? new FetchLimits();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Fetches <paramref name="name"/> through <paramref name="client"/>; null when another fetcher holds it right now.</summary>
    /// <param name="name">The exchange.</param>
    /// <param name="client">Its client.</param>
    /// <param name="progress">Told the counts after every commit.</param>
    /// <param name="cancellationToken">Stops the fetch (what was committed stays, with its checkpoint).</param>
    /// <param name="holder">The fetcher's name in the hold (a server's, so that it frees its own holds when it restarts), or null.</param>
    /// <param name="takeOver">Take the exchange even when another fetcher holds it (the operator knows that one is gone).</param>
    public async Task<FetchResult?> FetchAsync(string name, IExchangeClient client, IProgress<ExchangeCounts>? progress = null,
        CancellationToken cancellationToken = default, string? holder = null, bool takeOver = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        var lease = await _store.Exchanges.TakeExchangeAsync(name, _clock.GetUtcNow(), _limits.Lease, cancellationToken, holder, takeOver);
        if (lease is null)
            return null;
        var run = new Run(this, lease, progress);
        try
        {
            bool complete = await run.ReadAsync(client, cancellationToken);
            await _store.Exchanges.FinishFetchAsync(lease, ExchangeRunStatus.Ok, null, run.Counts, _clock.GetUtcNow(), CancellationToken.None);
            _logger.LogInformation("Exchange {Exchange}: added {Added}, removed {Removed}, skipped {Skipped}{Cut}", name, run.Counts.Added,
                run.Counts.Removed, run.Counts.Skipped, complete ? "" : " (the run's time cap; the next run goes on)");
            return new FetchResult(name, ExchangeRunStatus.Ok, run.Counts, run.Checkpoint, complete, null);
        }
        catch (ExchangeAuthException e)
        {
            _logger.LogError("Exchange {Exchange} refused the credentials: {Error}; not fetched again until they are fixed", name, e.Message);
            await _store.Exchanges.FinishFetchAsync(lease, ExchangeRunStatus.AuthFailed, e.Message, run.Counts, _clock.GetUtcNow(), CancellationToken.None);
            return new FetchResult(name, ExchangeRunStatus.AuthFailed, run.Counts, run.Checkpoint, false, e.Message);
        }
        catch (ExchangeException e)
        {
            _logger.LogWarning("Exchange {Exchange} failed: {Error}; the next run goes on from the checkpoint", name, e.Message);
            await _store.Exchanges.FinishFetchAsync(lease, ExchangeRunStatus.Error, e.Message, run.Counts, _clock.GetUtcNow(), CancellationToken.None);
            return new FetchResult(name, ExchangeRunStatus.Error, run.Counts, run.Checkpoint, false, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _store.Exchanges.FinishFetchAsync(lease, ExchangeRunStatus.Ok, "stopped before the end", run.Counts, _clock.GetUtcNow(), CancellationToken.None);
            throw;
        }
    }

    /// <summary>One run's state: the batch waiting to commit, the newest checkpoint it may save, the counts.</summary>
    private sealed class Run(ExchangeFetcher fetcher, ExchangeLease lease, IProgress<ExchangeCounts>? progress)
    {
        private readonly List<ImportItem> _batch = [];
        private readonly HashSet<string> _named = new(StringComparer.Ordinal);
        private ExchangeCheckpoint? _pending;
        private DateTimeOffset _lastCommit;
        private DateTimeOffset _workStarted;
        private bool _snapshot;

        public ExchangeCounts Counts { get; private set; } = ExchangeCounts.Zero;

        public string? Checkpoint { get; private set; } = lease.Exchange.Checkpoint;

        private string Name => lease.Exchange.Name;

        /// <summary>Reads every page; true when the client ran out of pages, false when the run's time cap cut it.</summary>
        public async Task<bool> ReadAsync(IExchangeClient client, CancellationToken cancellationToken)
        {
            var started = fetcher._clock.GetUtcNow();
            _lastCommit = started;
            _workStarted = started;
            var from = lease.Exchange.Checkpoint is { } value ? new ExchangeCheckpoint(value, lease.Exchange.CheckpointAt ?? started) : null;
            await foreach (var page in client.FetchAsync(from, cancellationToken))
            {
                Counts += new ExchangeCounts(0, 0, page.Skipped);
                foreach (var entry in page.Entries)
                {
                    _batch.Add(ExchangeEntries.ToImportItem(Name, entry));
                    if (entry.Action == HashListAction.Add && entry.SourceId is { } id)
                        _named.Add(id);
                }
                _snapshot |= page.EndsSnapshot;
                if (page.Checkpoint is not null)
                    _pending = page.Checkpoint;
                var now = fetcher._clock.GetUtcNow();
                if (page.EndsSnapshot)
                {
                    await CommitAsync(cancellationToken);
                    await RemoveUnnamedAsync(cancellationToken);
                    _named.Clear();
                    _snapshot = false;
                }
                else if (_batch.Count >= fetcher._limits.BatchSize)
                {
                    await CommitAsync(cancellationToken);
                    await RestAsync(cancellationToken);
                }
                else if (now - _lastCommit >= fetcher._limits.CommitEvery)
                    await CommitAsync(cancellationToken);
                if (fetcher._limits.MaxRunTime is { } cap && fetcher._clock.GetUtcNow() - started >= cap && !_snapshot)
                {
                    await CommitAsync(cancellationToken);
                    return false;
                }
            }
            await CommitAsync(cancellationToken);
            return true;
        }

        /// <summary>After a full batch: rests long enough that the work since the last rest was at most the backfill share of the time.</summary>
        private async Task RestAsync(CancellationToken cancellationToken)
        {
            double share = fetcher._limits.BackfillShare;
            var worked = fetcher._clock.GetUtcNow() - _workStarted;
            if (share < 1 && worked > TimeSpan.Zero)
                await Task.Delay(worked * ((1 - share) / share), fetcher._clock, cancellationToken);
            _workStarted = fetcher._clock.GetUtcNow();
        }

        private async Task CommitAsync(CancellationToken cancellationToken)
        {
            if (_batch.Count > 0)
            {
                var summary = await fetcher._store.ImportAsync(lease.Exchange.Bank, _batch, new ImportOptions { BatchSize = Math.Max(_batch.Count, 1) },
                    cancellationToken: cancellationToken);
                Counts += new ExchangeCounts(summary.Added, summary.Removed, summary.Unchanged + summary.NotFound);
                _batch.Clear();
            }
            _lastCommit = fetcher._clock.GetUtcNow();
            if (_pending is { } checkpoint && checkpoint.Value != Checkpoint)
            {
                if (!await fetcher._store.Exchanges.SaveCheckpointAsync(lease, checkpoint.Value, checkpoint.At, Counts, _lastCommit, fetcher._limits.Lease,
                        cancellationToken))
                    throw new ExchangeUnavailableException($"exchange {Name}: another fetcher took it over (this one's hold lapsed); this run stops");
                Checkpoint = checkpoint.Value;
            }
            progress?.Report(Counts);
        }

        /// <summary>A whole list was read: the bank's entries from this exchange that it no longer names are removed.</summary>
        private async Task RemoveUnnamedAsync(CancellationToken cancellationToken)
        {
            string source = ExchangeEntries.SourceOf(Name);
            var gone = new List<ImportItem>();
            string? after = null;
            while (true)
            {
                var ids = await fetcher._store.Exchanges.ListSourceIdsAsync(lease.Exchange.Bank, source, after, 10_000, cancellationToken);
                if (ids.Count == 0)
                    break;
                foreach (string id in ids)
                {
                    if (!_named.Contains(id))
                        gone.Add(ImportItem.RemoveBySource(source, id));
                }
                after = ids[^1];
            }
            if (gone.Count == 0)
                return;
            var summary = await fetcher._store.ImportAsync(lease.Exchange.Bank, gone, new ImportOptions { BatchSize = fetcher._limits.BatchSize },
                cancellationToken: cancellationToken);
            Counts += new ExchangeCounts(0, summary.Removed, summary.NotFound);
        }
    }
}
