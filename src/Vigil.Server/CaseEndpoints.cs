using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Review;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// Review's HTTP contract (docs/review.md): submitters open cases (<c>POST /v1/cases</c>);
/// reviewers list and read them (never media), claim the next with a lease, decide items and
/// cases while they hold it (else 409), and fetch an item's media blurred or, audited, clear.
/// </summary>
public static class CaseEndpoints
{
    /// <summary>Most cases one <c>GET /v1/cases</c> answers.</summary>
    public const int MaxCasesPerPage = 1_000;

    private static readonly RequiresRole Submitters = new(ApiKeyRole.Submitter);
    private static readonly RequiresRole Reviewers = new(ApiKeyRole.Reviewer);

    /// <summary>Maps the endpoints.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/v1/cases", (HttpContext context, MediaService media, MatcherHost host, ReviewService review, CancellationToken ct) =>
            media.SubmitCaseAsync(context, host, review, ct)).WithMetadata(Submitters);
        app.MapGet("/v1/cases", ListAsync).WithMetadata(Reviewers);
        app.MapGet("/v1/cases/{id:long}", GetAsync).WithMetadata(Reviewers);
        app.MapPost("/v1/cases/claim", ClaimAsync).WithMetadata(Reviewers);
        app.MapPost("/v1/cases/{id:long}/release", ReleaseAsync).WithMetadata(Reviewers);
        app.MapPost("/v1/cases/{id:long}/items/{item:long}/decision", DecideItemAsync).WithMetadata(Reviewers);
        app.MapPost("/v1/cases/{id:long}/decision", DecideCaseAsync).WithMetadata(Reviewers);
        app.MapGet("/v1/cases/{id:long}/items/{item:long}/media", MediaAsync).WithMetadata(Reviewers);
    }

    /// <summary>The reviewer a request's key makes (admin keys are senior reviewers).</summary>
    internal static Reviewer ReviewerOf(HttpContext context)
    {
        var key = (ApiKey)context.Items[ApiKeyAuthentication.ItemKey]!;
        return new Reviewer(key.Name, key.Role == ApiKeyRole.Admin);
    }

    private static async Task<IResult> ListAsync(ICaseStore cases, string? status, string? after, string? limit, CancellationToken ct)
    {
        CaseStatus? wanted = null;
        if (status is not null)
        {
            if (!CaseNames.TryParseStatus(status, out var parsed))
                return Problems.Result(400, "invalid status", "status is open, decided or reported (or left out for all)");
            wanted = parsed;
        }
        long afterId = 0;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterId))
            return Problems.Result(400, "invalid after", "after is the last case id of the previous page (a whole number)");
        int count = 100;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxCasesPerPage))
            return Problems.Result(400, "invalid limit", $"limit is 1 to {MaxCasesPerPage}");
        var page = await cases.ListCasesAsync(wanted, afterId, count, ct);
        var json = new List<CaseJson>(page.Count);
        foreach (var c in page)
            json.Add(CaseJson.From(c));
        return Results.Json(json, CaseJsonContext.Default.ListCaseJson);
    }

    private static async Task<IResult> GetAsync(ICaseStore cases, long id, CancellationToken ct) =>
        await cases.GetCaseAsync(id, ct) is { } details
            ? Results.Json(CaseDetailsJson.From(details), CaseJsonContext.Default.CaseDetailsJson)
            : CaseNotFound(id);

    private static async Task<IResult> ClaimAsync(HttpContext context, ReviewService review, CancellationToken ct)
    {
        var claimed = await review.ClaimNextAsync(ReviewerOf(context), ct);
        if (claimed is null)
            return Results.NoContent();
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["case"] = claimed.Id };
        return Results.Json(CaseJson.From(claimed), CaseJsonContext.Default.CaseJson);
    }

    private static async Task<IResult> ReleaseAsync(HttpContext context, ReviewService review, long id, CancellationToken ct)
    {
        var reviewer = ReviewerOf(context);
        var change = await review.ReleaseAsync(id, reviewer, ct);
        return await AnswerAsync(review, id, change, ct);
    }

    private static async Task<IResult> DecideItemAsync(HttpContext context, ReviewService review, long id, long item, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(context, ServerJsonContext.Default.ItemDecisionBody, null, ct);
        if (error is not null)
            return error;
        if (!CaseNames.TryParseItemVerdict(body!.Verdict, out var verdict))
            return Problems.Result(400, "invalid verdict", "an item's verdict is confirmed, not_abuse, escalate or skip");
        IndustryClassification? classification = null;
        if (verdict == ItemVerdict.Confirmed)
        {
            if (!CaseNames.TryParseClassification(body.Classification, out var parsed))
                return Problems.Result(400, "classification required", "a confirmed item needs its industry classification: A1, A2, B1 or B2");
            classification = parsed;
        }
        else if (body.Classification is not null)
            return Problems.Result(400, "classification only with confirmed", "leave out classification unless the verdict is confirmed");
        var change = await review.DecideItemAsync(id, item, ReviewerOf(context), verdict, classification, ct);
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["verdict"] = body.Verdict, ["outcome"] = change.ToString() };
        return change == CaseChange.NotFound ? ItemNotFound(id, item) : await AnswerAsync(review, id, change, ct);
    }

    private static async Task<IResult> DecideCaseAsync(HttpContext context, ReviewService review, long id, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(context, ServerJsonContext.Default.CaseDecisionBody, null, ct);
        if (error is not null)
            return error;
        if (!CaseNames.TryParseCaseVerdict(body!.Verdict, out var verdict))
            return Problems.Result(400, "invalid verdict", "a case's verdict is report, no_report or escalate");
        var change = await review.DecideCaseAsync(id, ReviewerOf(context), verdict, ct);
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["verdict"] = body.Verdict, ["outcome"] = change.ToString() };
        return await AnswerAsync(review, id, change, ct);
    }

    private static async Task<IResult> MediaAsync(HttpContext context, ReviewService review, long id, long item, string? view, CancellationToken ct)
    {
        MediaView wanted;
        switch (view)
        {
            case null or "blurred": wanted = MediaView.Blurred; break;
            case "clear": wanted = MediaView.Clear; break;
            default: return Problems.Result(400, "invalid view", "view is blurred (the default) or clear");
        }
        var answer = await review.GetMediaAsync(id, item, ReviewerOf(context), wanted, ct);
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["view"] = view ?? "blurred", ["served"] = answer.Refusal == MediaRefusal.None };
        // Never cached on the way: it may be abuse material.
        context.Response.Headers.CacheControl = "no-store";
        return answer.Refusal switch
        {
            MediaRefusal.None => Results.Bytes(answer.Bytes!, answer.ContentType),
            MediaRefusal.NotFound => ItemNotFound(id, item),
            MediaRefusal.NoMedia => Problems.Result(404, "no media", "this item has hashes only (or its media was purged after retention)"),
            MediaRefusal.CapReached => Problems.Result(403, "daily exposure cap reached",
                $"you have seen {review.Options.DailyExposureCap.TotalHours:0.#} h of media today; no more media is served to you until tomorrow (UTC)"),
            MediaRefusal.VaultUnavailable => Problems.Result(503, "evidence vault unavailable", "this server was started without --vault-key, so it cannot open stored media"),
            _ => Problems.Result(422, "media cannot be shown", "the stored media could not be decoded to make a blurred view; ask for view=clear deliberately if you must"),
        };
    }

    /// <summary>The case after a change, or the problem the change met.</summary>
    private static async Task<IResult> AnswerAsync(ReviewService review, long id, CaseChange change, CancellationToken ct)
    {
        switch (change)
        {
            case CaseChange.NotFound:
                return CaseNotFound(id);
            case CaseChange.NotLeased:
                return Problems.Result(409, "case not leased to you", "claim the case first (POST /v1/cases/claim); a lease lasts "
                    + $"{review.Options.LeaseDuration.TotalMinutes:0} minutes and ends when another reviewer holds it or it expires");
            case CaseChange.NotOpen:
                return Problems.Result(409, "case not open", "the case was decided already");
            case CaseChange.SameReviewer:
                return Problems.Result(409, "second reviewer required", "four-eyes review: another reviewer must agree before the case is reported");
            case CaseChange.NothingConfirmed:
                return Problems.Result(409, "nothing confirmed", "a report needs at least one item decided confirmed (with its classification)");
        }
        var details = await review.Cases.GetCaseAsync(id, ct);
        return details is null
            ? CaseNotFound(id)
            : Results.Json(new DecisionJson(change == CaseChange.AwaitingSecondReviewer ? "awaiting_second_reviewer" : "done", CaseJson.From(details.Case)),
                CaseJsonContext.Default.DecisionJson);
    }

    private static IResult CaseNotFound(long id) => Problems.Result(404, "case not found", $"no case {id.ToString(CultureInfo.InvariantCulture)}");

    private static IResult ItemNotFound(long id, long item) =>
        Problems.Result(404, "item not found", $"case {id.ToString(CultureInfo.InvariantCulture)} has no item {item.ToString(CultureInfo.InvariantCulture)}");
}
