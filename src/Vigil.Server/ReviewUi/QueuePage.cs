using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Review;
using Vigil.Storage;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// The queue page: open cases in the order reviewers get them (priority, then oldest), a page at a
/// time by keyset (the last row's priority, open time and id, so paging stays right while cases come
/// and go), and the button that claims the next case.
/// </summary>
internal static class QueuePage
{
    /// <summary>Cases on one page of the queue.</summary>
    public const int PageSize = 50;

    public static void Map(WebApplication app)
    {
        // The UI's front door is the queue itself (not a redirect: clients drop the key's header on redirects).
        app.MapGet("/review", QueueAsync).WithMetadata(ReviewEndpoints.Reviewers);
        app.MapGet("/review/queue", QueueAsync).WithMetadata(ReviewEndpoints.Reviewers);
        app.MapPost("/review/claim", ClaimAsync).WithMetadata(ReviewEndpoints.Reviewers);
    }

    private static async Task<IResult> QueueAsync(HttpContext context, ReviewService review, ReviewBreaks breaks, ServerSettings settings,
        string? after, string? empty, CancellationToken ct)
    {
        var viewer = ReviewPage.ViewerOf(context);
        QueueCursor? cursor = null;
        if (after is not null && !TryParseCursor(after, out cursor))
            return ReviewPage.Result("Queue", Html.Raw("<p class=\"refusal\">That page of the queue does not exist. <a href=\"/review/queue\">Start again</a>.</p>"),
                viewer, StatusCodes.Status400BadRequest);
        var rows = await review.Cases.ListQueueAsync(cursor, PageSize + 1, ct);
        var now = DateTimeOffset.UtcNow;
        var table = Html.Join(rows.Take(PageSize).Select(c => Html.Of($"""
            <tr data-case="{c.Id}">
            <td><a href="/review/cases/{c.Id}">#{c.Id}</a></td>
            <td>{PriorityBadge(c.Priority)}</td>
            <td>{c.Subject}</td>
            <td>{c.ItemCount}</td>
            <td>{Time(c.OpenedAt)}</td>
            <td>{Lease(c, viewer.Key.Name, now)}{(c.Escalated ? Html.Raw(" <span class=\"badge\">escalated</span>") : Html.Empty)}</td>
            </tr>
            """)));
        var next = rows.Count > PageSize
            ? Html.Of($"<a class=\"button\" href=\"/review/queue?after={Cursor(rows[PageSize - 1])}\" data-key=\"]\" rel=\"next\">Next page <kbd>]</kbd></a>")
            : Html.Empty;
        var first = cursor is null ? Html.Empty : Html.Raw("<a class=\"button\" href=\"/review/queue\">First page</a>");
        var notice = empty is null ? Html.Empty : Html.Raw("<p class=\"muted\" role=\"status\">No case is waiting for you right now.</p>");
        var list = rows.Count == 0
            ? Html.Raw("<p class=\"muted\">No cases are waiting.</p>")
            : Html.Of($"""
                <table class="queue">
                <thead><tr><th>Case</th><th>Priority</th><th>Subject</th><th>Items</th><th>Opened</th><th>Lease</th></tr></thead>
                <tbody>
                {table}
                </tbody>
                </table>
                <div class="pager">{first}{next}</div>
                """);
        var body = Html.Of($"""
            {notice}
            <form method="post" action="/review/claim" class="claim">{viewer.CsrfField}
            <button type="submit" class="primary" data-key="c">Claim the next case <kbd>c</kbd></button>
            <span class="muted">A claimed case is yours for {review.Options.LeaseDuration.TotalMinutes:0} minutes; no one else gets it meanwhile.</span>
            </form>
            {list}
            """);
        return ReviewPage.Result("Queue", body, viewer, bodyData: ReviewEndpoints.BodyData(viewer, breaks, settings));
    }

    private static async Task<IResult> ClaimAsync(HttpContext context, ReviewService review, CancellationToken ct)
    {
        var claimed = await review.ClaimNextAsync(CaseEndpoints.ReviewerOf(context), ct);
        if (claimed is null)
            return Results.Redirect("/review/queue?empty=1");
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["case"] = claimed.Id };
        return Results.Redirect($"/review/cases/{claimed.Id.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A priority as a badge (A1 and A2 stand out).</summary>
    internal static Html PriorityBadge(int priority) =>
        Html.Of($"<span class=\"badge {(priority == CasePriority.A1 ? "a1" : priority == CasePriority.A2 ? "a2" : "")}\">{CasePriority.Name(priority)}</span>");

    /// <summary>Who holds a case's lease, as the viewer should read it.</summary>
    internal static Html Lease(ReviewCase c, string viewer, DateTimeOffset now)
    {
        if (c.LeaseHolder is null || c.LeaseExpiresAt is not { } until || until <= now)
            return Html.Raw("<span class=\"muted\">free</span>");
        return c.LeaseHolder == viewer
            ? Html.Of($"<b>yours</b> until {Time(until)}")
            : Html.Of($"{c.LeaseHolder} until {Time(until)}");
    }

    /// <summary>A time as reviewers read it (UTC, to the minute).</summary>
    internal static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    internal static string Cursor(ReviewCase c) =>
        string.Create(CultureInfo.InvariantCulture, $"{c.Priority}.{c.OpenedAt.UtcTicks}.{c.Id}");

    internal static bool TryParseCursor(string text, out QueueCursor? cursor)
    {
        cursor = null;
        var parts = text.Split('.');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int priority)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long id)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
            return false;
        cursor = new QueueCursor(priority, new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }
}
