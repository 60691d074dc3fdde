using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>One thing to write to the audit log.</summary>
public sealed record AuditEvent(string Actor, string Action, string Subject, string? DetailJson);

/// <summary>
/// Writes every authenticated request's outcome to the store's hash-chained audit log: who (the
/// key's name), what (method and route), on what (path and query) and how it ended (status, and for
/// lookups how many banks matched). Requests queue their event and go on; one writer appends in
/// order, and shutdown drains the queue, so nothing is lost when the service stops gracefully.
/// </summary>
public sealed class AuditTrail(IVigilStore store, ILogger<AuditTrail> logger) : BackgroundService
{
    /// <summary>Item key where an endpoint may leave a short outcome (e.g. banks matched) for the audit entry.</summary>
    public const string OutcomeItem = "vigil.audit.outcome";

    private readonly Channel<AuditEvent> _queue = Channel.CreateBounded<AuditEvent>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues an event (waits only when 50,000 are already waiting).</summary>
    public ValueTask RecordAsync(AuditEvent entry, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(entry, cancellationToken);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not stoppingToken: on shutdown the writer is completed and the loop drains what is queued.
        await foreach (var entry in _queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await store.AppendAuditAsync(entry.Actor, entry.Action, entry.Subject, entry.DetailJson, CancellationToken.None);
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

/// <summary>Records the outcome of every request that carried a valid key (see <see cref="AuditTrail"/>).</summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditTrail trail)
{
    /// <summary>Runs the request, then queues its audit event.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Items[ApiKeyAuthentication.ItemKey] is not ApiKey key)
            return;
        string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        var detail = new Dictionary<string, object?> { ["status"] = context.Response.StatusCode };
        if (context.Items[AuditTrail.OutcomeItem] is { } outcome)
            detail["outcome"] = outcome;
        await trail.RecordAsync(new AuditEvent(key.Name, $"{context.Request.Method} {route}",
            context.Request.Path + context.Request.QueryString, JsonSerializer.Serialize(detail)), CancellationToken.None);
    }
}
