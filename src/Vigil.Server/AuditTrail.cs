using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Server.Audit;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// Writes events to the store's hash-chained audit log. Events queue and one writer appends what has
/// queued in batches (one transaction each, so thousands of lookups a second cost a few commits), in
/// order; shutdown drains the queue. <see cref="RecordDurablyAsync"/> waits until the event's batch
/// has committed: changes use it so that nothing is acknowledged before its entry is on disk, while
/// lookups use <see cref="RecordAsync"/> and may lose the last few entries to a crash.
/// </summary>
public sealed class AuditTrail(IAuditLog store, ILogger<AuditTrail> logger, AuditCheckpointWriter? checkpoints = null) : BackgroundService
{
    private AuditEntry? _head;

    /// <summary>The last entry this service wrote (null before its first).</summary>
    public AuditEntry? Head => Volatile.Read(ref _head);

    /// <summary>Item key where an endpoint may leave a short outcome (e.g. banks matched) for the audit entry.</summary>
    public const string OutcomeItem = "vigil.audit.outcome";

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private const int MaxBatch = 1_000;

    private readonly record struct Pending(AuditRecord Record, TaskCompletionSource? Written);

    /// <summary>Events queued and not yet written to the store.</summary>
    public int QueueLength => _queue.Reader.Count;

    /// <summary>Queues an event and goes on (waits only when 50,000 are already waiting).</summary>
    public ValueTask RecordAsync(AuditRecord entry, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(new Pending(entry, null), cancellationToken);

    /// <summary>
    /// Queues an event and returns once it is committed; throws when it could not be written, so the
    /// caller can refuse to acknowledge what it was about.
    /// </summary>
    public async Task RecordDurablyAsync(AuditRecord entry, CancellationToken cancellationToken)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Pending(entry, written), cancellationToken);
        await written.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not stoppingToken: on shutdown the writer is completed and the loop drains what is queued.
        var batch = new List<Pending>(MaxBatch);
        var records = new List<AuditRecord>(MaxBatch);
        while (await NextBatchReadyAsync())
        {
            batch.Clear();
            records.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                records.Add(pending.Record);
            }
            try
            {
                var appended = await store.AppendAuditAsync(records, CancellationToken.None);
                Volatile.Write(ref _head, appended[^1]);
                foreach (var pending in batch)
                    pending.Written?.TrySetResult();
            }
            catch (Exception e)
            {
                logger.LogError(e, "could not write {Count} audit entries at once; writing them one by one", batch.Count);
                await AppendOneByOneAsync(batch);
            }
            checkpoints?.WriteIfDue(Head);
        }
        // Drained: the final head is checkpointed, so a clean stop leaves nothing unsigned.
        if (checkpoints is not null && Head is { } last)
            checkpoints.Write(last);
    }

    /// <summary>Waits for events; while idle with an unsigned head, checkpoints it when due.</summary>
    private async Task<bool> NextBatchReadyAsync()
    {
        var ready = _queue.Reader.WaitToReadAsync(CancellationToken.None).AsTask();
        while (!ready.IsCompleted && checkpoints is not null && checkpoints.IsNew(Head))
        {
            var due = checkpoints.DueIn;
            if (due > TimeSpan.Zero)
                await Task.WhenAny(ready, Task.Delay(due));
            if (!ready.IsCompleted)
                checkpoints.WriteIfDue(Head);
        }
        return await ready;
    }

    private async Task AppendOneByOneAsync(List<Pending> batch)
    {
        foreach (var pending in batch)
        {
            try
            {
                var appended = await store.AppendAuditAsync([pending.Record], CancellationToken.None);
                Volatile.Write(ref _head, appended[^1]);
                pending.Written?.TrySetResult();
            }
            catch (Exception e)
            {
                logger.LogError(e, "could not write the audit entry {Action} {Subject}", pending.Record.Action, pending.Record.Subject);
                pending.Written?.TrySetException(new AuditUnavailableException(e));
            }
        }
    }

    /// <inheritdoc/>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }
}

/// <summary>An audit entry could not be written: what it records must not be acknowledged.</summary>
public sealed class AuditUnavailableException(Exception inner) : Exception("the audit log could not be written", inner);

/// <summary>
/// Marks an endpoint that changes nothing although its method is POST (lookups, hashing, compare):
/// its audit entry may be written after the answer, in a batch.
/// </summary>
public sealed record ReadOnlyRequest;
