using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Review;
using Vigil.Storage;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// A case and its items: match evidence first (bank, label, distance, provenance), then media as
/// the blurred derivative only, with a reveal of one item's clear bytes on request; the decision
/// forms (keyboard shortcuts shown), the media and exposure endpoints the page's script uses.
/// Every read and change goes through <see cref="ReviewService"/>, which audits them.
/// </summary>
internal static class CasePages
{
    /// <summary>Most seconds of exposure one report may add (a page left open with a video playing for longer is not believed).</summary>
    public const double MaxExposureReport = 3600;

    private static readonly (string Value, string Label, string Key)[] ItemChoices =
    [
        ("confirmed:A1", "Confirm A1", "1"),
        ("confirmed:A2", "Confirm A2", "2"),
        ("confirmed:B1", "Confirm B1", "3"),
        ("confirmed:B2", "Confirm B2", "4"),
        ("not_abuse", "Not abuse", "n"),
        ("escalate", "Escalate", "e"),
        ("skip", "Skip", "s"),
    ];

    private static readonly (string Value, string Label, string Key)[] CaseChoices =
    [
        ("report", "Report", "p"),
        ("no_report", "No report", "o"),
        ("escalate", "Escalate case", "x"),
    ];

    public static void Map(WebApplication app)
    {
        var reviewers = ReviewEndpoints.Reviewers;
        app.MapGet("/review/cases/{id:long}", CaseAsync).WithMetadata(reviewers);
        app.MapGet("/review/cases/{id:long}/items/{item:long}", ItemAsync).WithMetadata(reviewers);
        app.MapPost("/review/cases/{id:long}/items/{item:long}/decision", DecideItemAsync).WithMetadata(reviewers);
        app.MapPost("/review/cases/{id:long}/decision", DecideCaseAsync).WithMetadata(reviewers);
        app.MapPost("/review/cases/{id:long}/release", ReleaseAsync).WithMetadata(reviewers);
        app.MapGet("/review/cases/{id:long}/items/{item:long}/media", MediaAsync).WithMetadata(reviewers);
        app.MapPost("/review/cases/{id:long}/items/{item:long}/exposure", ExposureAsync).WithMetadata(reviewers);
    }

    private static async Task<IResult> CaseAsync(HttpContext context, ReviewService review, IVigilStore store, ReviewBreaks breaks, ServerSettings settings,
        long id, string? error, CancellationToken ct)
    {
        var viewer = ReviewPage.ViewerOf(context);
        if (await review.Cases.GetCaseAsync(id, ct) is not { } details)
            return ReviewRefusals.NotFound(context, "case");
        var reviewer = CaseEndpoints.ReviewerOf(context);
        var wellness = await review.GetWellnessAsync(reviewer, ct);
        var report = await store.Reports.GetReportForCaseAsync(id, ct);
        var c = details.Case;
        var now = DateTimeOffset.UtcNow;
        bool mine = c.IsLeasedTo(viewer.Key.Name, now);
        var cards = Html.Join(details.Items.Select(item => Html.Of($"""
            <article class="card item" id="item-{item.Id}">
            <h2><a href="/review/cases/{c.Id}/items/{item.Id}">Item {item.Id}</a> {VerdictBadge(item)}</h2>
            {Evidence(item)}
            {Media(c, item, wellness, review.Options, settings)}
            </article>
            """)));
        var decisions = details.Decisions.Count == 0
            ? Html.Empty
            : Html.Of($"""
                <h2>Decisions</h2>
                <table class="decisions"><thead><tr><th>When</th><th>Who</th><th>What</th><th>Verdict</th></tr></thead><tbody>
                {Html.Join(details.Decisions.Select(d => Html.Of($"<tr><td>{QueuePage.Time(d.DecidedAt)}</td><td>{d.Reviewer}</td><td>{(d.ItemId is { } i ? $"item {i}" : "case")}</td><td>{d.Verdict}{(d.Classification is { } k ? $" ({k})" : "")}</td></tr>")))}
                </tbody></table>
                """);
        var body = Html.Of($"""
            {ErrorNote(error)}
            {CaseSummary(c, viewer.Key.Name, now, report)}
            {Wellness(wellness)}
            <div class="grid items">
            {cards}
            </div>
            {CaseForm(c, viewer, mine)}
            {decisions}
            """);
        return ReviewPage.Result($"Case {c.Id}", body, viewer, bodyData: ReviewEndpoints.BodyData(viewer, breaks, settings));
    }

    private static async Task<IResult> ItemAsync(HttpContext context, ReviewService review, ReviewBreaks breaks, ServerSettings settings, long id, long item,
        string? error, CancellationToken ct)
    {
        var viewer = ReviewPage.ViewerOf(context);
        if (await review.Cases.GetCaseAsync(id, ct) is not { } details || details.Items.FirstOrDefault(i => i.Id == item) is not { } found)
            return ReviewRefusals.NotFound(context, "item");
        var wellness = await review.GetWellnessAsync(CaseEndpoints.ReviewerOf(context), ct);
        var c = details.Case;
        var now = DateTimeOffset.UtcNow;
        bool mine = c.IsLeasedTo(viewer.Key.Name, now);
        var context_ = found.Details.Context;
        var body = Html.Of($"""
            {ErrorNote(error)}
            <p><a href="/review/cases/{c.Id}">← Case {c.Id}</a> · subject <b>{c.Subject}</b> · {QueuePage.PriorityBadge(c.Priority)} {VerdictBadge(found)}</p>
            <section class="card">
            <h2>Match evidence</h2>
            {Evidence(found)}
            <dl class="evidence">
            <dt>Source</dt><dd>{found.Details.Source}{(found.Details.Reason is { } reason ? $" ({reason})" : "")}</dd>
            <dt>Signals</dt><dd>{Html.Join(found.Details.Signals.Select(s => Html.Of($"<code>{s.Type.Name}</code> <code class=\"hash\">{Short(s.Value)}</code><br>")))}</dd>
            <dt>Context</dt><dd>{ContextLine(context_)}</dd>
            </dl>
            </section>
            {Wellness(wellness)}
            {Media(c, found, wellness, review.Options, settings)}
            {ItemForm(c, found, viewer, mine)}
            """);
        return ReviewPage.Result($"Case {c.Id}, item {found.Id}", body, viewer, bodyData: ReviewEndpoints.BodyData(viewer, breaks, settings));
    }

    private static async Task<IResult> DecideItemAsync(HttpContext context, ReviewService review, long id, long item, CancellationToken ct)
    {
        // A guessed id is 404 before anything else (the store may answer "not leased" first).
        if (!await ItemExistsAsync(review, id, item, ct))
            return ReviewRefusals.NotFound(context, "item");
        if (await ReviewEndpoints.ReadFormAsync(context, ct) is not { } form)
            return ReviewEndpoints.FormExpected();
        string? decision = form["decision"];
        var (verdict, classification, ok) = ParseItemDecision(decision);
        if (!ok)
            return Back(context, id, item, "Choose a verdict first (1-4 confirm with a classification, n not abuse, e escalate, s skip).");
        var change = await review.DecideItemAsync(id, item, CaseEndpoints.ReviewerOf(context), verdict, classification, ct);
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["verdict"] = decision, ["outcome"] = change.ToString() };
        if (change == CaseChange.NotFound)
            return ReviewRefusals.NotFound(context, "item");
        if (change != CaseChange.Done)
            return Back(context, id, item, Explain(change, review));
        // On to the next item still undecided, else back to the case for its own verdict.
        var details = await review.Cases.GetCaseAsync(id, ct);
        var next = details?.Items.FirstOrDefault(i => i.Verdict is null);
        return Results.Redirect(next is null ? $"/review/cases/{Id(id)}" : $"/review/cases/{Id(id)}/items/{Id(next.Id)}");
    }

    private static async Task<IResult> DecideCaseAsync(HttpContext context, ReviewService review, long id, CancellationToken ct)
    {
        if (await review.Cases.GetCaseAsync(id, ct) is null)
            return ReviewRefusals.NotFound(context, "case");
        if (await ReviewEndpoints.ReadFormAsync(context, ct) is not { } form)
            return ReviewEndpoints.FormExpected();
        string? decision = form["decision"];
        if (!CaseNames.TryParseCaseVerdict(decision, out var verdict))
            return Back(context, id, null, "Choose report, no report or escalate.");
        var change = await review.DecideCaseAsync(id, CaseEndpoints.ReviewerOf(context), verdict, ct);
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["verdict"] = decision, ["outcome"] = change.ToString() };
        if (change == CaseChange.NotFound)
            return ReviewRefusals.NotFound(context, "case");
        if (change is not (CaseChange.Done or CaseChange.AwaitingSecondReviewer))
            return Back(context, id, null, Explain(change, review));
        return Results.Redirect("/review/queue");
    }

    private static async Task<IResult> ReleaseAsync(HttpContext context, ReviewService review, long id, CancellationToken ct)
    {
        var change = await review.ReleaseAsync(id, CaseEndpoints.ReviewerOf(context), ct);
        if (change == CaseChange.NotFound || change != CaseChange.Done && await review.Cases.GetCaseAsync(id, ct) is null)
            return ReviewRefusals.NotFound(context, "case");
        return change == CaseChange.Done ? Results.Redirect("/review/queue") : Back(context, id, null, Explain(change, review));
    }

    private static async Task<IResult> MediaAsync(HttpContext context, ReviewService review, ReviewBreaks breaks, long id, long item, string? view,
        CancellationToken ct)
    {
        var reviewer = CaseEndpoints.ReviewerOf(context);
        MediaView wanted;
        switch (view)
        {
            case null or "blurred": wanted = MediaView.Blurred; break;
            case "clear": wanted = MediaView.Clear; break;
            default: return Problems.Result(400, "invalid view", "view is blurred (the default) or clear");
        }
        // Never cached on the way or in the browser: it may be abuse material.
        context.Response.Headers.CacheControl = "no-store";
        if (wanted == MediaView.Clear && breaks.IsDue(reviewer.Name))
            return Problems.Result(403, "break due", "take the break the page reminds you of first; clear media is not served until you have");
        var answer = await review.GetMediaAsync(id, item, reviewer, wanted, ct);
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["view"] = view ?? "blurred", ["served"] = answer.Refusal == MediaRefusal.None };
        return answer.Refusal switch
        {
            MediaRefusal.None => Results.Bytes(answer.Bytes!, answer.ContentType),
            MediaRefusal.NotFound => Problems.Result(404, "no such item", "there is no item with that id"),
            MediaRefusal.NoMedia => Problems.Result(404, "no media", "this item has hashes only (or its media was purged after retention)"),
            MediaRefusal.CapReached => Problems.Result(403, "daily exposure cap reached", CapText(review.Options)),
            MediaRefusal.VaultUnavailable => Problems.Result(503, "evidence vault unavailable", "this server was started without --vault-key, so it cannot open stored media"),
            _ => Problems.Result(422, "media cannot be shown", "no blurred view could be made of this item's media"),
        };
    }

    private static async Task<IResult> ExposureAsync(HttpContext context, ReviewService review, long id, long item, CancellationToken ct)
    {
        double seconds;
        try
        {
            using var json = await JsonDocument.ParseAsync(context.Request.Body, default, ct);
            seconds = json.RootElement.GetProperty("seconds").GetDouble();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return Problems.Result(400, "invalid exposure", "send {\"seconds\": N}, the seconds the clear media was on screen");
        }
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > MaxExposureReport)
            return Problems.Result(400, "invalid exposure", $"seconds is 0 to {MaxExposureReport}");
        if (await review.Cases.GetCaseAsync(id, ct) is not { } details || details.Items.All(i => i.Id != item))
            return Problems.Result(404, "no such item", "there is no item with that id");
        // Each clear view was charged the reveal window already; only time beyond it (a video played on) is added.
        double beyond = Math.Max(0, seconds - review.Options.RevealWindow.TotalSeconds);
        var exposure = beyond > 0
            ? await review.RecordExposureAsync(CaseEndpoints.ReviewerOf(context), beyond, ct)
            : (await review.GetWellnessAsync(CaseEndpoints.ReviewerOf(context), ct)).Exposure;
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["seconds"] = Math.Round(seconds, 3), ["added"] = Math.Round(beyond, 3) };
        return Results.Json(new Dictionary<string, double> { ["seconds_today"] = Math.Round(exposure.Seconds, 3) });
    }

    private static async Task<bool> ItemExistsAsync(ReviewService review, long id, long item, CancellationToken ct) =>
        await review.Cases.GetCaseAsync(id, ct) is { } details && details.Items.Any(i => i.Id == item);

    private static Html CaseSummary(ReviewCase c, string viewer, DateTimeOffset now, OutboxReport? report) => Html.Of($"""
        <section class="card summary">
        <dl class="facts">
        <div><dt>Subject</dt><dd><b>{c.Subject}</b></dd></div>
        <div><dt>Priority</dt><dd>{QueuePage.PriorityBadge(c.Priority)}{(c.Escalated ? Html.Raw(" <span class=\"badge\">escalated</span>") : Html.Empty)}</dd></div>
        <div><dt>Status</dt><dd>{CaseNames.Name(c.Status)}{(c.Verdict is { } v ? $" ({CaseNames.Name(v)} by {c.DecidedBy})" : "")}{(c.FirstReportBy is { } first && c.Status == CaseStatus.Open ? $", report proposed by {first}" : "")}</dd></div>
        <div><dt>Items</dt><dd>{c.ItemCount}</dd></div>
        <div><dt>Opened</dt><dd>{QueuePage.Time(c.OpenedAt)}</dd></div>
        <div><dt>Lease</dt><dd>{QueuePage.Lease(c, viewer, now)}</dd></div>
        {ReportFact(report)}
        </dl>
        </section>
        """);

    /// <summary>The case's CyberTipline report, when it has one: its state, linked to the report's page, and NCMEC's id.</summary>
    private static Html ReportFact(OutboxReport? report) => report is null
        ? Html.Empty
        : Html.Of($"""<div class="case-report"><dt>CyberTipline report</dt><dd><a href="/review/reports/{report.Id}">{ReportsPage.StateBadge(report.State)}</a>{(report.HotlineReportId is { } hotline ? $" NCMEC report {hotline}" : "")}{(report.State == ReportState.Failed ? " (see the report for NCMEC's message)" : "")}</dd></div>""");

    /// <summary>The match evidence of an item: what matched, how closely, and where the bank entry came from.</summary>
    private static Html Evidence(CaseItem item) => Html.Of($"{Matches(item)}{Scores(item)}{Messages(item)}");

    /// <summary>A conversation item's messages that raised its risk, as sent (text is not media: no blur), each with the signals it raised.</summary>
    private static Html Messages(CaseItem item)
    {
        if (item.Details.Messages.Count == 0)
            return Html.Empty;
        var rows = Html.Join(item.Details.Messages.Select(m => Html.Of($"""
            <tr><td>{m.Index + 1}</td><td>{QueuePage.Time(m.SentAt)}</td><td>{m.Sender} &rarr; {m.Recipient}</td><td class="message-text">{m.Text}</td>
            <td>{string.Join(", ", m.Signals)}</td></tr>
            """)));
        return Html.Of($"""
            <table class="evidence messages">
            <caption>Messages that raised the conversation's risk</caption>
            <thead><tr><th>#</th><th>Sent</th><th>From &rarr; to</th><th>Text</th><th>Signals</th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            """);
    }

    /// <summary>The classifiers' scores of an item, each against its model's threshold: a reason to look, never a finding.</summary>
    private static Html Scores(CaseItem item)
    {
        if (item.Details.Scores.Count == 0)
            return Html.Empty;
        var rows = Html.Join(item.Details.Scores.Select(s => Html.Of($"""
            <tr><td><b>{s.Model}</b> {s.Version}</td><td class="score">{s.Score.ToString("0.000", CultureInfo.InvariantCulture)}{(s.Priority is { } level ? $" ({level})" : "")}</td>
            <td>{s.Threshold.ToString("0.###", CultureInfo.InvariantCulture)}</td><td>{(s.Score >= s.Threshold ? Html.Raw("<span class=\"badge\">past threshold</span>") : Html.Raw("<span class=\"muted\">below</span>"))}</td>
            <td>{string.Join(", ", s.Labels.Select(l => $"{l.Label} {l.Score.ToString("0.000", CultureInfo.InvariantCulture)}"))}</td></tr>
            """)));
        return Html.Of($"""
            <table class="evidence scores">
            <caption>Classifier scores: a reason to look, not a finding</caption>
            <thead><tr><th>Model</th><th>Score</th><th>Threshold</th><th></th><th>Labels</th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            """);
    }

    private static Html Matches(CaseItem item)
    {
        if (item.Details.Matches.Count == 0)
            return Html.Of($"<p class=\"muted evidence-none\">No bank match: opened for {item.Details.Reason ?? item.Details.Source}.</p>");
        var rows = Html.Join(item.Details.Matches.Select(m => Html.Of($"""
            <tr><td><b>{m.Bank}</b></td><td>{m.ContentId}</td><td>{m.SignalType}</td><td>{m.Distance}{(m.Distance == 0 ? " (exact)" : "")}</td>
            <td>{(m.Classification is { } k ? Html.Of($"<span class=\"badge {k.ToLowerInvariant()}\">{k}</span>") : Html.Raw("<span class=\"muted\">none</span>"))}</td>
            <td>{string.Join(", ", m.Labels)}</td><td>{m.EntrySource}{(m.EntrySourceId is { } sid ? $" / {sid}" : "")}</td></tr>
            """)));
        return Html.Of($"""
            <table class="evidence matches">
            <thead><tr><th>Bank</th><th>Entry</th><th>Signal</th><th>Distance</th><th>Class</th><th>Labels</th><th>Provenance</th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            """);
    }

    /// <summary>
    /// An item's media box: the blurred derivative only (the page never names the clear view in an
    /// element the browser would fetch by itself); the reveal button and review.js fetch it on request.
    /// </summary>
    private static Html Media(ReviewCase c, CaseItem item, ReviewerWellness wellness, ReviewOptions options, ServerSettings settings)
    {
        if (!item.HasMedia && !item.HasThumbnail)
            return Html.Raw("<p class=\"muted no-media\">Hashes only: no media was kept for this item.</p>");
        if (wellness.CapReached)
            return Html.Of($"<div class=\"media capped\" role=\"status\">{CapText(options)} You can still decide from the evidence.</div>");
        string url = $"/review/cases/{Id(c.Id)}/items/{Id(item.Id)}/media";
        bool video = item.MediaType?.StartsWith("video/", StringComparison.Ordinal) == true;
        return Html.Of($"""
            <figure class="media" id="media-{item.Id}" data-blurred="{url}?view=blurred" data-clear="{url}?view=clear" data-exposure="/review/cases/{c.Id}/items/{item.Id}/exposure" data-reveal-ms="{(long)options.RevealWindow.TotalMilliseconds}" data-kind="{(video ? "video" : "image")}" data-mute="{(wellness.Mute ? "true" : "false")}">
            <img class="view" src="{url}?view=blurred" alt="Blurred view of item {item.Id}{(video ? " (frames of the video)" : "")}">
            <figcaption><button type="button" class="reveal">Reveal <kbd>r</kbd></button><span class="muted">clear for {options.RevealWindow.TotalSeconds:0} s or until the pointer leaves; audited</span></figcaption>
            </figure>
            """);
    }

    private static Html Wellness(ReviewerWellness wellness) => Html.Of($"""
        <p class="wellness muted">Clear media today: {Duration(wellness.Exposure.Seconds)} of {Duration(wellness.Cap.TotalSeconds)}
        <meter min="0" max="{wellness.Cap.TotalSeconds:0}" value="{Math.Min(wellness.Exposure.Seconds, wellness.Cap.TotalSeconds):0.###}"></meter>
        · blur {wellness.Settings.Radius}{(wellness.Settings.Greyscale ? ", greyscale" : "")}{(wellness.Mute ? ", muted" : "")} (<a href="/review/settings">settings</a>)</p>
        """);

    private static Html ItemForm(ReviewCase c, CaseItem item, ReviewPage.Viewer viewer, bool mine)
    {
        if (c.Status != CaseStatus.Open)
            return Html.Raw("<p class=\"muted\">The case is decided; nothing more to do here.</p>");
        if (!mine)
            return ClaimHint();
        string current = item.Verdict is { } v ? v == ItemVerdict.Confirmed ? $"confirmed:{item.Classification}" : CaseNames.Name(v) : "";
        var choices = Html.Join(ItemChoices.Select(choice => Html.Of($"""
            <label><input type="radio" name="decision" value="{choice.Value}" data-key="{choice.Key}"{(choice.Value == current ? Html.Raw(" checked") : Html.Empty)}> {choice.Label} <kbd>{choice.Key}</kbd></label>
            """)));
        return Html.Of($"""
            <form method="post" action="/review/cases/{c.Id}/items/{item.Id}/decision" class="decision card">{viewer.CsrfField}
            <fieldset><legend>Item {item.Id}: your verdict</legend>
            {choices}
            </fieldset>
            <button type="submit" class="primary">Decide <kbd>Enter</kbd></button>
            <p class="shortcuts">Keys: <kbd>1</kbd>–<kbd>4</kbd> confirm as A1, A2, B1, B2 · <kbd>n</kbd> not abuse · <kbd>e</kbd> escalate · <kbd>s</kbd> skip · <kbd>r</kbd> reveal · <kbd>Enter</kbd> decide</p>
            </form>
            """);
    }

    private static Html CaseForm(ReviewCase c, ReviewPage.Viewer viewer, bool mine)
    {
        if (c.Status != CaseStatus.Open)
            return Html.Empty;
        if (!mine)
            return ClaimHint();
        var choices = Html.Join(CaseChoices.Select(choice => Html.Of($"""
            <label><input type="radio" name="decision" value="{choice.Value}" data-key="{choice.Key}"> {choice.Label} <kbd>{choice.Key}</kbd></label>
            """)));
        return Html.Of($"""
            <form method="post" action="/review/cases/{c.Id}/decision" class="decision card">{viewer.CsrfField}
            <fieldset><legend>The case: your verdict</legend>
            {choices}
            </fieldset>
            <button type="submit" class="primary">Decide the case <kbd>Enter</kbd></button>
            </form>
            <form method="post" action="/review/cases/{c.Id}/release" class="inline">{viewer.CsrfField}<button type="submit">Give the case back to the queue</button></form>
            """);
    }

    private static Html ClaimHint() =>
        Html.Raw("<p class=\"muted lease-note\">To decide, claim the case from the <a href=\"/review/queue\">queue</a>: decisions need the lease.</p>");

    private static Html VerdictBadge(CaseItem item) => item.Verdict is { } v
        ? Html.Of($"<span class=\"badge verdict\">{CaseNames.Name(v)}{(item.Classification is { } k ? $" {k}" : "")}</span>")
        : Html.Empty;

    private static Html ErrorNote(string? error) => error is null ? Html.Empty : Html.Of($"<p class=\"refusal\" role=\"alert\">{error}</p>");

    private static Html ContextLine(ItemContext context)
    {
        var parts = new List<string>();
        if (context.FileName is { } f) parts.Add($"file {f}");
        if (context.UploadedAt is { } at) parts.Add($"uploaded {QueuePage.Time(at)}");
        if (context.ScreenName is { } s) parts.Add($"screen name {s}");
        if (context.Ip is { } ip) parts.Add(context.Port is { } port ? $"from {ip} port {port}" : $"from {ip}");
        if (context.Url is { } url) parts.Add($"at {url}");
        if (context.IncidentKind is { } kind) parts.Add($"via {CaseNames.Name(kind)}");
        if (context.PubliclyAvailable is { } visible) parts.Add(visible ? "public" : "not public");
        return parts.Count == 0 ? Html.Raw("<span class=\"muted\">none given</span>") : Html.Text(string.Join(" · ", parts));
    }

    /// <summary>Redirects back to the item or case page with a message (after a refused decision).</summary>
    private static IResult Back(HttpContext context, long id, long? item, string error)
    {
        context.Response.Headers.CacheControl = "no-store";
        string path = item is { } i ? $"/review/cases/{Id(id)}/items/{Id(i)}" : $"/review/cases/{Id(id)}";
        return Results.Redirect($"{path}?error={Uri.EscapeDataString(error)}");
    }

    private static string Explain(CaseChange change, ReviewService review) => change switch
    {
        CaseChange.NotLeased => $"The case is not leased to you (a lease lasts {review.Options.LeaseDuration.TotalMinutes:0} minutes): claim it from the queue first.",
        CaseChange.NotOpen => "The case was decided already.",
        CaseChange.SameReviewer => "Four-eyes review: another reviewer must agree before the case is reported.",
        CaseChange.NothingConfirmed => "A report needs at least one item confirmed with its classification.",
        _ => $"Not done: {change}.",
    };

    internal static (ItemVerdict Verdict, IndustryClassification? Classification, bool Ok) ParseItemDecision(string? decision)
    {
        if (decision is null)
            return (default, null, false);
        if (decision.StartsWith("confirmed:", StringComparison.Ordinal))
            return CaseNames.TryParseClassification(decision["confirmed:".Length..], out var classification)
                ? (ItemVerdict.Confirmed, classification, true)
                : (default, null, false);
        return CaseNames.TryParseItemVerdict(decision, out var verdict) && verdict != ItemVerdict.Confirmed ? (verdict, null, true) : (default, null, false);
    }

    internal static string CapText(ReviewOptions options) =>
        $"You have reached today's limit of {Duration(options.DailyExposureCap.TotalSeconds)} of media; no more media is served to you until tomorrow (UTC).";

    internal static string Duration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Max(0, Math.Round(seconds)));
        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes:00} min")
            : span.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes} min {span.Seconds:00} s")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Seconds} s");
    }

    private static string Short(string value) => value.Length > 80 ? string.Concat(value.AsSpan(0, 77), "…") : value;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
