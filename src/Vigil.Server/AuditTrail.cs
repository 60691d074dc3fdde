using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// Writes every authenticated request's outcome to the store's hash-chained audit log: who (the
/// key's name), what (method and route), on what (path and query) and how it ended (status, and for
/// lookups how many banks matched). Requests queue their event and go on; one writer appends what
/// has queued in batches (one transaction each, so thousands of lookups a second cost a few
/// commits), in order, and shutdown drains the queue, so nothing is lost when the service stops
/// gracefully.
/// </summary>
public sealed class AuditTrail(IVigilStore store, ILogger<AuditTrail> logger) : BackgroundService
{
    /// <summary>Item key where an endpoint may leave a short outcome (e.g. banks matched) for the audit entry.</summary>
    public const string OutcomeItem = "vigil.audit.outcome";

    private readonly Channel<AuditRecord> _queue = Channel.CreateBounded<AuditRecord>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private const int MaxBatch = 1_000;

    /// <summary>Events queued and not yet written to the store.</summary>
    public int QueueLength => _queue.Reader.Count;

    /// <summary>Queues an event (waits only when 50,000 are already waiting).</summary>
    public ValueTask RecordAsync(AuditRecord entry, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(entry, cancellationToken);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not stoppingToken: on shutdown the writer is completed and the loop drains what is queued.
        var batch = new List<AuditRecord>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var entry))
                batch.Add(entry);
            try
            {
                await store.AppendAuditAsync(batch, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogError(e, "could not write {Count} audit entries at once; writing them one by one", batch.Count);
                await AppendOneByOneAsync(batch);
            }
        }
    }

    private async Task AppendOneByOneAsync(List<AuditRecord> batch)
    {
        foreach (var entry in batch)
        {
            try
            {
                await store.AppendAuditAsync([entry], CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogError(e, "could not write the audit entry {Action} {Subject}", entry.Action, entry.Subject);
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

/// <summary>
/// Records the outcome of every request that carried a valid key (see <see cref="AuditTrail"/>),
/// including those refused because the key's role does not allow the endpoint (403).
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditTrail trail)
{
    // The audit log's limit on a subject (AuditChain.ValidateFields); longer query strings are cut.
    private const int MaxSubject = 1_000;

    /// <summary>Runs the request, then queues its audit event.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if ((context.Items[ApiKeyAuthentication.ItemKey] ?? context.Items[ApiKeyAuthentication.RefusedItemKey]) is not ApiKey key)
            return;
        string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        var detail = new Dictionary<string, object?> { ["status"] = context.Response.StatusCode };
        if (context.Items[AuditTrail.OutcomeItem] is { } outcome)
            detail["outcome"] = outcome;
        string subject = context.Request.Path + context.Request.QueryString;
        if (subject.Length > MaxSubject)
        {
            int cut = char.IsHighSurrogate(subject[MaxSubject - 2]) ? MaxSubject - 2 : MaxSubject - 1;
            subject = string.Concat(subject.AsSpan(0, cut), "…");
        }
        await trail.RecordAsync(new AuditRecord(key.Name, $"{context.Request.Method} {route}", subject, JsonSerializer.Serialize(detail)),
            CancellationToken.None);
    }
}
