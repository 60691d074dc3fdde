using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// Records the outcome of every request that carried a valid key (see <see cref="AuditTrail"/>),
/// including those refused for their key's role (403) and those that failed (500). A change (any
/// method but GET, HEAD and OPTIONS, unless the endpoint is a <see cref="ReadOnlyRequest"/>) is not
/// answered until its entry is committed: the entry is written as the response starts, so a crash
/// can lose the entry only of a change whose caller was never told it succeeded.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditTrail trail)
{
    // The audit log's limit on a subject (AuditChain.ValidateFields); longer query strings are cut.
    private const int MaxSubject = 1_000;

    /// <summary>Runs the request and records its outcome.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var entry = new Entry(context, trail, IsChange(context));
        if (entry.Durable)
            context.Response.OnStarting(static state => ((Entry)state).WriteAsync(status: null), entry);
        try
        {
            await next(context);
        }
        catch (Exception) when (!entry.Written)
        {
            await entry.WriteAsync(StatusCodes.Status500InternalServerError);
            throw;
        }
        await entry.WriteAsync(status: null);
    }

    private static bool IsChange(HttpContext context)
    {
        string method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
            return false;
        return context.GetEndpoint()?.Metadata.GetMetadata<ReadOnlyRequest>() is null;
    }

    /// <summary>One request's entry, written once: when the response starts, when it fails, or when it ends.</summary>
    private sealed class Entry(HttpContext context, AuditTrail trail, bool durable)
    {
        private int _written;

        public bool Durable => durable;

        public bool Written => Volatile.Read(ref _written) != 0;

        public Task WriteAsync(int? status)
        {
            if ((context.Items[ApiKeyAuthentication.ItemKey] ?? context.Items[ApiKeyAuthentication.RefusedItemKey]) is not ApiKey key)
                return Task.CompletedTask;
            if (Interlocked.Exchange(ref _written, 1) != 0)
                return Task.CompletedTask;
            var record = Describe(context, key, status ?? context.Response.StatusCode);
            return durable ? trail.RecordDurablyAsync(record, CancellationToken.None) : trail.RecordAsync(record, CancellationToken.None).AsTask();
        }
    }

    private static AuditRecord Describe(HttpContext context, ApiKey key, int status)
    {
        string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        var detail = new Dictionary<string, object?> { ["status"] = status };
        if (context.Items[AuditTrail.OutcomeItem] is { } outcome)
            detail["outcome"] = outcome;
        string subject = context.Request.Path + context.Request.QueryString;
        if (subject.Length > MaxSubject)
        {
            int cut = char.IsHighSurrogate(subject[MaxSubject - 2]) ? MaxSubject - 2 : MaxSubject - 1;
            subject = string.Concat(subject.AsSpan(0, cut), "…");
        }
        return new AuditRecord(key.Name, $"{context.Request.Method} {route}", subject, JsonSerializer.Serialize(detail));
    }
}
