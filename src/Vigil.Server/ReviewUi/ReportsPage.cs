using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Storage;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// The CyberTipline reports of the outbox: a list by state (each report's case, state, attempt,
/// NCMEC's report id, files sent, last error), one report's files and history (every step, its
/// outcome, NCMEC's messages and result codes), and for admins a retry of a failed or retracted
/// report. Reviewers read (they decided the cases); only admins retry. No media is shown here.
/// The same store calls and retry as <c>/v1/reports</c>.
/// </summary>
internal static class ReportsPage
{
    /// <summary>Reports on one page.</summary>
    public const int PageSize = 50;

    public static void Map(WebApplication app)
    {
        app.MapGet("/review/reports", ListAsync).WithMetadata(ReviewEndpoints.Reviewers);
        app.MapGet("/review/reports/{id:long}", ShowAsync).WithMetadata(ReviewEndpoints.Reviewers);
        app.MapPost("/review/reports/{id:long}/retry", RetryAsync).WithMetadata(ReviewEndpoints.Admins);
    }

    /// <summary>A report state as a badge: its name, coloured by what it asks of a person (none, wait, act).</summary>
    internal static Html StateBadge(ReportState state)
    {
        string name = ReportNames.Name(state);
        return Html.Of($"<span class=\"badge report-{name}\" title=\"{Describe(state)}\">{name}</span>");
    }

    /// <summary>What a state means, in words.</summary>
    internal static string Describe(ReportState state) => state switch
    {
        ReportState.Queued => "waiting to be submitted to NCMEC",
        ReportState.Submitting => "submitted to NCMEC, waiting for its answer",
        ReportState.Open => "open at NCMEC: its files are being uploaded and described",
        ReportState.Finishing => "every file sent: finishing at NCMEC",
        ReportState.Finished => "filed with NCMEC, and the case marked reported",
        ReportState.Failed => "stopped by a permanent failure: fix the cause, then an admin retries it",
        _ => "retracted before it was finished: an admin may retry it",
    };

    private static async Task<IResult> ListAsync(HttpContext context, IVigilStore store, ReviewBreaks breaks, ServerSettings settings,
        string? state, string? after, CancellationToken ct)
    {
        var viewer = ReviewPage.ViewerOf(context);
        ReportState? wanted = null;
        long afterId = 0;
        bool valid = true;
        if (state is { Length: > 0 })
        {
            valid = ReportNames.TryParseState(state, out var parsed);
            wanted = parsed;
        }
        if (after is not null)
            valid &= long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterId);
        if (!valid)
            return ReviewPage.Result("Reports", Html.Raw("<p class=\"refusal\">No such page. <a href=\"/review/reports\">Start again</a>.</p>"),
                viewer, StatusCodes.Status400BadRequest);
        var rows = await store.Reports.ListReportsAsync(wanted, afterId, PageSize + 1, ct);
        var counts = await store.Reports.CountReportsAsync(ct);
        var table = rows.Count == 0
            ? Html.Raw("<p class=\"muted\">No reports.</p>")
            : Html.Of($"""
                <table class="reports">
                <thead><tr><th scope="col">Report</th><th scope="col">Case</th><th scope="col">State</th><th scope="col">Attempt</th><th scope="col">NCMEC report</th><th scope="col">Files sent</th><th scope="col">Last error</th><th scope="col">Updated</th></tr></thead>
                <tbody>
                {Html.Join(rows.Take(PageSize).Select(Row))}
                </tbody>
                </table>
                """);
        var next = rows.Count > PageSize
            ? Html.Of($"<div class=\"pager\"><a class=\"button\" rel=\"next\" data-key=\"]\" href=\"/review/reports?{(wanted is null ? "" : $"state={state}&")}after={rows[PageSize - 1].Id}\">Next page <kbd>]</kbd></a></div>")
            : Html.Empty;
        var body = Html.Of($"""
            {Worker(context)}
            <nav class="filters" aria-label="Report state">{Filters(state ?? "", counts)}</nav>
            {table}
            {next}
            """);
        return ReviewPage.Result("Reports", body, viewer, bodyData: ReviewEndpoints.BodyData(viewer, breaks, settings));
    }

    private static Html Filters(string current, IReadOnlyDictionary<ReportState, int> counts)
    {
        var links = new List<Html> { Filter("", "all", counts.Values.Sum(), current) };
        foreach (var state in ReportNames.States)
            links.Add(Filter(ReportNames.Name(state), ReportNames.Name(state), counts.GetValueOrDefault(state), current));
        return Html.Join(links);
    }

    private static Html Filter(string value, string label, int count, string current)
    {
        bool on = value == current;
        return Html.Of($"<a class=\"button{(on ? " primary" : "")}\"{(on ? Html.Raw(" aria-current=\"page\"") : Html.Empty)} href=\"/review/reports{(value.Length == 0 ? "" : $"?state={value}")}\">{label} <span class=\"count\">{count}</span></a> ");
    }

    /// <summary>What the report worker knows of the CyberTipline, or that this server files no reports.</summary>
    private static Html Worker(HttpContext context)
    {
        if (ReportingStatusView.Of(context.RequestServices) is not { } status)
            return Html.Raw("<p class=\"muted worker\">This server files no reports (its configuration has no <code>reporting</code> section): the outbox is shown as it stands.</p>");
        string reach = status.Reachable switch
        {
            true => "answers",
            false => "does not answer",
            null => "not checked yet",
        };
        return Html.Of($"""
            <section class="card worker" aria-label="CyberTipline">
            <dl class="facts">
            <div><dt>CyberTipline</dt><dd><code>{status.Endpoint}</code> ({status.Environment})</dd></div>
            <div><dt>Status check</dt><dd><span class="badge {(status.Reachable == false ? "report-failed" : status.Reachable == true ? "report-finished" : "")}">{reach}</span> {status.Message}{(status.CheckedAt is { } at ? $" ({Time(at)})" : "")}</dd></div>
            <div><dt>Filed since start</dt><dd>{status.Filed}</dd></div>
            {(status.PausedUntil is { } until ? Html.Of($"<div><dt>Paused</dt><dd class=\"refusal\">until {Time(until)}: NCMEC refused the credentials</dd></div>") : Html.Empty)}
            </dl>
            </section>
            """);
    }

    private static Html Row(OutboxReport r) => Html.Of($"""
        <tr data-report="{r.Id}"><td><a href="/review/reports/{r.Id}">Report {r.Id}</a></td><td><a href="/review/cases/{r.CaseId}">Case {r.CaseId}</a></td>
        <td>{StateBadge(r.State)}</td><td>{r.Attempt}</td><td>{HotlineId(r)}</td><td>{Files(r)}</td><td class="error">{LastError(r)}</td><td>{Time(r.UpdatedAt)}</td></tr>
        """);

    private static async Task<IResult> ShowAsync(HttpContext context, IVigilStore store, ReviewBreaks breaks, ServerSettings settings, long id,
        string? note, CancellationToken ct)
    {
        var viewer = ReviewPage.ViewerOf(context);
        if (await store.Reports.GetReportAsync(id, ct) is not { } r)
            return ReviewRefusals.NotFound(context, "report");
        var events = await store.Reports.ListReportEventsAsync(id, ct);
        bool resting = r.State is ReportState.Finished or ReportState.Failed or ReportState.Retracted;
        var retry = viewer.IsAdmin && r.CanRetry
            ? Html.Of($"""
                <form method="post" action="/review/reports/{r.Id}/retry" class="retry">{viewer.CsrfField}
                <button type="submit" class="primary">Retry</button>
                <span class="muted">sends the report back to work: {(r.HotlineReportId is null ? "submitted again" : $"NCMEC report {r.HotlineReportId} resumes where it stopped")}</span>
                </form>
                """)
            : Html.Empty;
        var error = r.LastError is null
            ? Html.Empty
            : Html.Of($"<p class=\"{(r.State == ReportState.Failed ? "refusal" : "muted")} last-error\">Last error{(r.LastCode is { } code ? $" (NCMEC result code {code})" : "")}: {r.LastError}</p>");
        var files = r.Files.Count == 0
            ? Html.Raw("<p class=\"muted\">No files yet: they are listed once the report is submitted.</p>")
            : Html.Of($"""
                <table class="report-files">
                <thead><tr><th scope="col">#</th><th scope="col">Item</th><th scope="col">File name</th><th scope="col">Our MD5</th><th scope="col">State</th><th scope="col">NCMEC file id</th><th scope="col">NCMEC's MD5</th></tr></thead>
                <tbody>
                {Html.Join(r.Files.Select(f => Html.Of($"<tr data-file=\"{f.Position}\"><td>{f.Position + 1}</td><td>item {f.ItemId}</td><td>{f.FileName}</td><td><code class=\"hash\">{f.Md5}</code></td><td>{ReportNames.Name(f.State)}</td><td>{f.FileId ?? "—"}</td><td>{HotlineMd5(f)}</td></tr>")))}
                </tbody>
                </table>
                """);
        var history = events.Count == 0
            ? Html.Raw("<p class=\"muted\">Nothing has happened yet.</p>")
            : Html.Of($"""
                <table class="report-history">
                <thead><tr><th scope="col">When</th><th scope="col">Attempt</th><th scope="col">Step</th><th scope="col">Outcome</th><th scope="col">NCMEC code</th><th scope="col">Message</th></tr></thead>
                <tbody>
                {Html.Join(events.Select(e => Html.Of($"<tr class=\"outcome-{ReportNames.Name(e.Outcome)}\"><td>{Seconds(e.At)}</td><td>{e.Attempt}</td><td>{e.Step}</td><td><span class=\"badge outcome-{ReportNames.Name(e.Outcome)}\">{ReportNames.Name(e.Outcome)}</span></td><td>{(e.Code is { } c ? c.ToString(CultureInfo.InvariantCulture) : "")}</td><td>{e.Message}</td></tr>")))}
                </tbody>
                </table>
                """);
        var body = Html.Of($"""
            <p><a href="/review/reports">← Reports</a></p>
            {Note(note, resting)}
            <section class="card summary">
            <dl class="facts">
            <div><dt>Case</dt><dd><a href="/review/cases/{r.CaseId}">Case {r.CaseId}</a></dd></div>
            <div><dt>State</dt><dd>{StateBadge(r.State)} <span class="muted">{Describe(r.State)}</span></dd></div>
            <div><dt>Attempt</dt><dd>{r.Attempt}</dd></div>
            <div><dt>NCMEC report</dt><dd>{HotlineId(r)}</dd></div>
            <div><dt>Files sent</dt><dd>{Files(r)}</dd></div>
            {(resting ? Html.Empty : Html.Of($"<div><dt>Next step</dt><dd>{Time(r.NextAttemptAt)}{(r.Tries > 0 ? $" (after {r.Tries} failed tries)" : "")}</dd></div>"))}
            <div><dt>Queued</dt><dd>{Time(r.CreatedAt)}</dd></div>
            {(r.OpenedAt is { } opened ? Html.Of($"<div><dt>Opened at NCMEC</dt><dd>{Time(opened)}</dd></div>") : Html.Empty)}
            {(r.FinishedAt is { } finished ? Html.Of($"<div><dt>Finished</dt><dd>{Time(finished)}</dd></div>") : Html.Empty)}
            <div><dt>Updated</dt><dd>{Time(r.UpdatedAt)}</dd></div>
            </dl>
            {error}
            {retry}
            </section>
            <h2>Files</h2>
            {files}
            <h2>History</h2>
            {history}
            """);
        return ReviewPage.Result($"Report {r.Id}", body, viewer, bodyData: ReviewEndpoints.BodyData(viewer, breaks, settings));
    }

    private static async Task<IResult> RetryAsync(HttpContext context, Vigil.Reporting.Delivery.ReportOperations operations, long id, CancellationToken ct)
    {
        var viewer = ReviewPage.ViewerOf(context);
        var (outcome, report) = await ReportRetry.RetryAsync(operations, id, viewer.Key.Name, ct);
        ReportEndpoints.Audit(context, id, outcome, report);
        if (outcome == ReportRetryOutcome.NotFound)
            return ReviewRefusals.NotFound(context, "report");
        if (outcome == ReportRetryOutcome.Retried)
            ReportEndpoints.WakeWorker(context.RequestServices);
        string note = outcome switch
        {
            ReportRetryOutcome.Retried => "retried",
            ReportRetryOutcome.Busy => "busy",
            _ => "not-retryable",
        };
        return Results.Redirect($"/review/reports/{id.ToString(CultureInfo.InvariantCulture)}?note={note}");
    }

    /// <summary>The notice after a retry: fixed texts chosen by a word in the URL (never text from the URL itself); "sent back to work" only while it is.</summary>
    private static Html Note(string? note, bool resting) => note switch
    {
        "retried" when !resting => Html.Raw("<p class=\"saved\" role=\"status\">Sent back to work: the worker takes it up now. Reload to follow it.</p>"),
        "busy" => Html.Raw("<p class=\"refusal\" role=\"alert\">A worker holds this report right now; try again in a moment.</p>"),
        "not-retryable" => Html.Raw("<p class=\"refusal\" role=\"alert\">Only failed or retracted reports are retried; this one is not.</p>"),
        _ => Html.Empty,
    };

    private static Html HotlineId(OutboxReport r) =>
        r.HotlineReportId is { } hotline ? Html.Of($"{hotline}") : Html.Raw("<span class=\"muted\">—</span>");

    private static Html Files(OutboxReport r) =>
        r.Files.Count == 0 ? Html.Raw("<span class=\"muted\">—</span>") : Html.Of($"{r.FilesDone} of {r.Files.Count}");

    /// <summary>The last error, led by NCMEC's result code unless the message names it already.</summary>
    private static Html LastError(OutboxReport r)
    {
        if (r.LastError is not { } error)
            return Html.Empty;
        string code = r.LastCode is { } c ? c.ToString(CultureInfo.InvariantCulture) : "";
        return code.Length == 0 || error.Contains(code, StringComparison.Ordinal) ? Html.Of($"{error}") : Html.Of($"[{code}] {error}");
    }

    private static Html HotlineMd5(OutboxReportFile f) => f.HotlineMd5 is null
        ? Html.Raw("<span class=\"muted\">—</span>")
        : Html.Of($"<code class=\"hash\">{f.HotlineMd5}</code> {(string.Equals(f.HotlineMd5, f.Md5, StringComparison.OrdinalIgnoreCase) ? "(matches)" : "(differs)")}");

    private static string Time(DateTimeOffset at) => QueuePage.Time(at);

    private static string Seconds(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
