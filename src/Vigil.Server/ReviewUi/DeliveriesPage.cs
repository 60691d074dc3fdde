using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Review.Actions;
using Vigil.Storage;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// The webhook deliveries of the action rules, for admins: each delivery's rule, target, status,
/// attempts and last error, by status and a page at a time by id, and a retry for dead ones (the
/// same store calls as <c>GET /v1/actions/deliveries</c> and its retry).
/// </summary>
internal static class DeliveriesPage
{
    /// <summary>Deliveries on one page.</summary>
    public const int PageSize = 50;

    public static void Map(WebApplication app)
    {
        app.MapGet("/review/deliveries", ListAsync).WithMetadata(ReviewEndpoints.Admins);
        app.MapPost("/review/deliveries/{id:long}/retry", RetryAsync).WithMetadata(ReviewEndpoints.Admins);
    }

    private static async Task<IResult> ListAsync(HttpContext context, IActionOutboxStore outbox, ReviewBreaks breaks, ServerSettings settings,
        string? status, string? after, string? error, CancellationToken ct)
    {
        var viewer = ReviewPage.ViewerOf(context);
        ActionDeliveryStatus? wanted = null;
        long afterId = 0;
        bool valid = true;
        if (status is { Length: > 0 })
        {
            valid = ActionDeliveryView.TryParseStatus(status, out var parsed);
            wanted = parsed;
        }
        if (after is not null)
            valid &= long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterId);
        if (!valid)
            return ReviewPage.Result("Webhook deliveries", Html.Raw("<p class=\"refusal\">No such page. <a href=\"/review/deliveries\">Start again</a>.</p>"),
                viewer, StatusCodes.Status400BadRequest);
        var rows = await outbox.ListActionDeliveriesAsync(wanted, afterId, PageSize + 1, ct);
        var filters = Html.Join(new[] { "", "pending", "delivered", "dead" }.Select(name => Html.Of(
            $"<a class=\"button{(name == (status ?? "") ? " primary" : "")}\" href=\"/review/deliveries{(name.Length == 0 ? "" : $"?status={name}")}\">{(name.Length == 0 ? "all" : name)}</a> ")));
        var table = rows.Count == 0
            ? Html.Raw("<p class=\"muted\">No deliveries.</p>")
            : Html.Of($"""
                <table class="deliveries">
                <thead><tr><th>Id</th><th>Rule</th><th>Target</th><th>Status</th><th>Attempts</th><th>Last answer</th><th>Created</th><th>Next / delivered / gives up</th><th>Event</th></tr></thead>
                <tbody>
                {Html.Join(rows.Take(PageSize).Select(d => Row(d, viewer)))}
                </tbody>
                </table>
                """);
        var next = rows.Count > PageSize
            ? Html.Of($"<div class=\"pager\"><a class=\"button\" rel=\"next\" href=\"/review/deliveries?{(wanted is null ? "" : $"status={status}&")}after={rows[PageSize - 1].Id}\">Next page</a></div>")
            : Html.Empty;
        var body = Html.Of($"""
            {(error is null ? Html.Empty : Html.Of($"<p class=\"refusal\" role=\"alert\">{error}</p>"))}
            <p class="filters">{filters}</p>
            <p class="muted">Webhooks of the action rules are retried with backoff for up to {CasePages.Duration(settings.ActionPolicy.MaxAge.TotalSeconds)}, then dead until retried here.</p>
            {table}
            {next}
            """);
        return ReviewPage.Result("Webhook deliveries", body, viewer, bodyData: ReviewEndpoints.BodyData(viewer, breaks, settings));
    }

    private static Html Row(ActionDelivery d, ReviewPage.Viewer viewer)
    {
        string when = d.Status switch
        {
            ActionDeliveryStatus.Delivered when d.DeliveredAt is { } at => $"delivered {QueuePage.Time(at)}",
            ActionDeliveryStatus.Pending => $"next {QueuePage.Time(d.NextAttemptAt)}, gives up {QueuePage.Time(d.GiveUpAt)}",
            _ => $"gave up {QueuePage.Time(d.GiveUpAt)}",
        };
        var retry = d.Status == ActionDeliveryStatus.Dead
            ? Html.Of($"<form method=\"post\" action=\"/review/deliveries/{d.Id}/retry\" class=\"inline\">{viewer.CsrfField}<button type=\"submit\">Retry</button></form>")
            : Html.Empty;
        string answer = d.LastStatus is { } code ? $"HTTP {code}" : "";
        if (d.LastError is { } e)
            answer = answer.Length == 0 ? e : $"{answer}: {e}";
        return Html.Of($"""
            <tr data-delivery="{d.Id}"><td>{d.Id}</td><td>{d.RuleName}</td><td><code>{d.Target}</code></td>
            <td><span class="badge status-{ActionDeliveryView.StatusName(d.Status)}">{ActionDeliveryView.StatusName(d.Status)}</span> {retry}</td>
            <td>{d.Attempts}</td><td>{answer}</td><td>{QueuePage.Time(d.CreatedAt)}</td><td>{when}</td>
            <td><details><summary>JSON</summary><pre>{d.EventJson}</pre></details></td></tr>
            """);
    }

    private static async Task<IResult> RetryAsync(IActionOutboxStore outbox, TimeProvider time, ServerSettings settings, long id, HttpContext context,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (await outbox.RetryActionDeliveryAsync(id, now, now + settings.ActionPolicy.MaxAge, ct))
            return Results.Redirect("/review/deliveries?status=pending");
        return await outbox.GetActionDeliveryAsync(id, ct) is null
            ? ReviewRefusals.NotFound(context, "delivery")
            : Results.Redirect("/review/deliveries?error=" + Uri.EscapeDataString($"Delivery {id} is not dead: only dead deliveries are retried."));
    }
}
