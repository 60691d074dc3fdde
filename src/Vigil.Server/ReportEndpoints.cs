using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Reporting.Delivery;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// The report outbox over HTTP (docs/reporting.md, "Reports page and API"): reviewers and admins
/// read reports (<c>GET /v1/reports</c>, <c>GET /v1/reports/ID</c>, <c>GET /v1/cases/ID/report</c>:
/// states, NCMEC's ids and messages, never media or the case's content); only admins send a failed or
/// retracted report back to work (<c>POST /v1/reports/ID/retry</c>), which the audit log records.
/// </summary>
public static class ReportEndpoints
{
    /// <summary>Most reports one <c>GET /v1/reports</c> answers.</summary>
    public const int MaxPerPage = 1_000;

    private static readonly RequiresRole Readers = new(ApiKeyRole.Reviewer);
    private static readonly RequiresRole Admin = new(ApiKeyRole.Admin);

    /// <summary>Maps the endpoints.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/v1/reports", ListAsync).WithMetadata(Readers);
        app.MapGet("/v1/reports/{id}", GetAsync).WithMetadata(Readers);
        app.MapGet("/v1/cases/{id}/report", ForCaseAsync).WithMetadata(Readers);
        app.MapPost("/v1/reports/{id}/retry", RetryAsync).WithMetadata(Admin);
    }

    /// <summary>Asks the server's report worker, when it has one, to look for work now.</summary>
    internal static void WakeWorker(IServiceProvider services) => services.GetService<ReportWorker>()?.Wake();

    private static async Task<IResult> ListAsync(IVigilStore store, string? state, string? after, string? limit, CancellationToken ct)
    {
        ReportState? wanted = null;
        if (state is not null)
        {
            if (!ReportNames.TryParseState(state, out var parsed))
                return Problems.Result(400, "invalid state", $"state is one of {string.Join(", ", ReportNames.States.Select(ReportNames.Name))} (or left out for all)");
            wanted = parsed;
        }
        long afterId = 0;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterId))
            return Problems.Result(400, "invalid after", "after is the last report id of the previous page (a whole number)");
        int count = 100;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxPerPage))
            return Problems.Result(400, "invalid limit", $"limit is 1 to {MaxPerPage}");
        var reports = await store.Reports.ListReportsAsync(wanted, afterId, count, ct);
        var json = new List<ReportJson>(reports.Count);
        foreach (var report in reports)
            json.Add(ReportJson.From(report));
        return Results.Json(new ReportListJson(json, json.Count == count ? json[^1].Id : null), ReportJsonContext.Default.ReportListJson);
    }

    private static async Task<IResult> GetAsync(IVigilStore store, string id, CancellationToken ct)
    {
        if (!TryParseId(id, out long reportId))
            return InvalidId("report");
        return await store.Reports.GetReportAsync(reportId, ct) is { } report
            ? await DetailsAsync(store, report, ct)
            : ReportNotFound(reportId);
    }

    private static async Task<IResult> ForCaseAsync(IVigilStore store, string id, CancellationToken ct)
    {
        if (!TryParseId(id, out long caseId))
            return InvalidId("case");
        if (await store.Reports.GetReportForCaseAsync(caseId, ct) is { } report)
            return await DetailsAsync(store, report, ct);
        return await store.Cases.GetCaseAsync(caseId, ct) is null
            ? Problems.Result(404, "case not found", $"no case {Text(caseId)}")
            : Problems.Result(404, "no report", $"case {Text(caseId)} has no report (it is not decided report, or the worker has not queued it yet)");
    }

    private static async Task<IResult> DetailsAsync(IVigilStore store, OutboxReport report, CancellationToken ct)
    {
        var events = await store.Reports.ListReportEventsAsync(report.Id, ct);
        return Results.Json(ReportDetailsJson.From(report, events), ReportJsonContext.Default.ReportDetailsJson);
    }

    private static async Task<IResult> RetryAsync(HttpContext context, ReportOperations operations, string id, CancellationToken ct)
    {
        if (!TryParseId(id, out long reportId))
            return InvalidId("report");
        var key = (ApiKey)context.Items[ApiKeyAuthentication.ItemKey]!;
        var (outcome, report) = await ReportRetry.RetryAsync(operations, reportId, key.Name, ct);
        Audit(context, reportId, outcome, report);
        switch (outcome)
        {
            case ReportRetryOutcome.Retried:
                WakeWorker(context.RequestServices);
                return Results.Json(new ReportRetryJson("retried", ReportJson.From(report!)), ReportJsonContext.Default.ReportRetryJson);
            case ReportRetryOutcome.NotFound:
                return ReportNotFound(reportId);
            case ReportRetryOutcome.Busy:
                return Problems.Result(409, "report busy", $"a worker holds report {Text(reportId)} right now; try again in a moment");
            default:
                return Problems.Result(409, "report not failed",
                    $"report {Text(reportId)} is {ReportNames.Name(report!.State)}; only failed or retracted reports are retried");
        }
    }

    /// <summary>Leaves what a retry did for the request's audit entry (<see cref="AuditMiddleware"/> writes it before the answer).</summary>
    internal static void Audit(HttpContext context, long reportId, ReportRetryOutcome outcome, OutboxReport? report) =>
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?>
        {
            ["report"] = reportId,
            ["case"] = report?.CaseId,
            ["outcome"] = outcome.ToString(),
            ["state"] = report is null ? null : ReportNames.Name(report.State),
        };

    /// <summary>Reads an id from a path: a whole number (no sign, no spaces).</summary>
    internal static bool TryParseId(string? text, out long id) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    private static IResult InvalidId(string what) => Problems.Result(400, "invalid id", $"a {what} id is a whole number");

    private static IResult ReportNotFound(long id) => Problems.Result(404, "report not found", $"no report {Text(id)}");

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
