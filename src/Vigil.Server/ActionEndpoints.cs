using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Review.Actions;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// The action outbox for operators (admin keys only): <c>GET /v1/actions/deliveries</c> (by status,
/// paged by id) and <c>POST /v1/actions/deliveries/ID/retry</c> (a dead delivery is sent again).
/// </summary>
public static class ActionEndpoints
{
    /// <summary>Most deliveries one page may hold.</summary>
    public const int MaxPerPage = 1_000;

    private static readonly RequiresRole Admin = new(ApiKeyRole.Admin);

    /// <summary>Maps the endpoints.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/v1/actions/deliveries", ListAsync).WithMetadata(Admin);
        app.MapPost("/v1/actions/deliveries/{id:long}/retry", RetryAsync).WithMetadata(Admin);
    }

    private static async Task<IResult> ListAsync(IActionOutboxStore outbox, string? status, string? after, string? limit, CancellationToken ct)
    {
        ActionDeliveryStatus? wanted = null;
        if (status is not null)
        {
            if (!ActionDeliveryView.TryParseStatus(status, out var parsed))
                return Problems.Result(400, "invalid status", "status is pending, delivered or dead (or left out for all)");
            wanted = parsed;
        }
        long afterId = 0;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterId))
            return Problems.Result(400, "invalid after", "after is the last delivery id of the previous page (a whole number)");
        int count = 100;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxPerPage))
            return Problems.Result(400, "invalid limit", $"limit is 1 to {MaxPerPage}");
        var deliveries = await outbox.ListActionDeliveriesAsync(wanted, afterId, count, ct);
        var views = new List<ActionDeliveryView>(deliveries.Count);
        foreach (var delivery in deliveries)
            views.Add(ActionDeliveryView.From(delivery));
        return Results.Json(new ActionDeliveryPage(views, views.Count == count ? views[^1].Id : null), ActionDeliveryJsonContext.Default.ActionDeliveryPage);
    }

    private static async Task<IResult> RetryAsync(IActionOutboxStore outbox, TimeProvider time, ServerSettings settings, long id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (await outbox.RetryActionDeliveryAsync(id, now, now + settings.ActionPolicy.MaxAge, ct))
            return Results.Json(new ActionRetryResult(id, "pending"), ActionDeliveryJsonContext.Default.ActionRetryResult);
        return await outbox.GetActionDeliveryAsync(id, ct) is { } delivery
            ? Problems.Result(409, "not dead", $"delivery {id} is {ActionDeliveryView.StatusName(delivery.Status)}; only dead deliveries are retried")
            : Problems.Result(404, "delivery not found", $"no action delivery {id}");
    }
}

/// <summary>What a lookup collects for the action rules.</summary>
internal enum LookupCollection
{
    /// <summary>Nothing: no rule is about matches.</summary>
    None,

    /// <summary>The answered matches, without reading content rows.</summary>
    Matches,

    /// <summary>The answered matches with their entries' classification (content rows are read).</summary>
    WithClassification,
}

/// <summary>
/// Match events from lookups (source <c>lookup</c>): the answered matches are collected while the
/// answer is built (<see cref="LookupOptions.ActionMatches"/>, only when a rule is about matches) and
/// raised after it. Lookups that match nothing, or when no rule is about matches, do no more work.
/// </summary>
internal static class LookupActions
{
    /// <summary>Whether lookups should collect their matches for the action rules.</summary>
    public static bool Wanted(IActionSink sink) => sink switch
    {
        NoActions => false,
        OutboxActionSink outbox => outbox.Wants(ActionTrigger.Match),
        _ => true,
    };

    /// <summary>Whether a rule about matches looks at the entries' classification (read from the content rows).</summary>
    public static bool UsesClassification(IActionSink sink) => sink is not OutboxActionSink outbox || outbox.UsesClassification(ActionTrigger.Match);

    /// <summary>What this request's lookup should collect for the rules: nothing, the matches, or the matches with their classification.</summary>
    public static LookupCollection Wanted(HttpContext context)
    {
        var sink = context.RequestServices.GetRequiredService<IActionSink>();
        return !Wanted(sink) ? LookupCollection.None : UsesClassification(sink) ? LookupCollection.WithClassification : LookupCollection.Matches;
    }

    /// <summary>Raises the lookup's match event; a failure is logged, never the lookup's answer.</summary>
    public static async Task RaiseAsync(HttpContext context, List<ActionMatch> matches, IReadOnlyDictionary<string, string> signals, CancellationToken ct)
    {
        var sink = context.RequestServices.GetRequiredService<IActionSink>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        try
        {
            await sink.RaiseAsync(new ActionEvent
            {
                Trigger = ActionTrigger.Match,
                OccurredAt = time.GetUtcNow(),
                Source = "lookup",
                Matches = [.. matches.DistinctBy(m => m.ContentId)],
                Signals = signals,
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ActionEndpoints).FullName!)
                .LogError(e, "a lookup's match event could not be recorded for the action rules");
        }
    }
}
