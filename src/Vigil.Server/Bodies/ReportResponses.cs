using System.Text.Json.Serialization;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>A report of the outbox as <c>/v1/reports</c> answers it (never media, never the case's content).</summary>
/// <param name="Id">The outbox's id for the report.</param>
/// <param name="CaseId">The case it reports.</param>
/// <param name="State">queued, submitting, open, finishing, finished, failed or retracted.</param>
/// <param name="Attempt">Which start this is (one more after each retraction and fresh start).</param>
/// <param name="HotlineReportId">NCMEC's reportId once submitted, else null.</param>
/// <param name="FilesTotal">Files the report carries (0 until it is submitted).</param>
/// <param name="FilesDone">Files whose fileDetails NCMEC accepted.</param>
/// <param name="Tries">Failed tries of the current step in a row.</param>
/// <param name="NextAttemptAt">When the worker may take it next.</param>
/// <param name="LastCode">NCMEC's result code of the last failure, or null.</param>
/// <param name="LastError">What went wrong last (NCMEC's description where it gave one), or null.</param>
/// <param name="OpenedAt">When NCMEC opened it.</param>
/// <param name="ChangedAt">When NCMEC last accepted a change to it.</param>
/// <param name="FinishedAt">When NCMEC confirmed the finish.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="UpdatedAt">When it last changed.</param>
internal sealed record ReportJson(long Id, long CaseId, string State, int Attempt, long? HotlineReportId, int FilesTotal, int FilesDone, int Tries,
    DateTimeOffset NextAttemptAt, int? LastCode, string? LastError, DateTimeOffset? OpenedAt, DateTimeOffset? ChangedAt, DateTimeOffset? FinishedAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ReportJson From(OutboxReport r) => new(r.Id, r.CaseId, ReportNames.Name(r.State), r.Attempt, r.HotlineReportId, r.Files.Count,
        r.FilesDone, r.Tries, r.NextAttemptAt, r.LastCode, r.LastError, r.OpenedAt, r.ChangedAt, r.FinishedAt, r.CreatedAt, r.UpdatedAt);
}

/// <summary>One file of a report: which item's media, under what name, and what NCMEC answered for it.</summary>
internal sealed record ReportFileJson(int Position, long ItemId, string FileName, string Md5, string State, string? FileId, string? HotlineMd5)
{
    public static ReportFileJson From(OutboxReportFile f) => new(f.Position, f.ItemId, f.FileName, f.Md5, ReportNames.Name(f.State), f.FileId, f.HotlineMd5);
}

/// <summary>One line of a report's history.</summary>
internal sealed record ReportEventJson(DateTimeOffset At, int Attempt, string Step, string Outcome, string Message, int? Code)
{
    public static ReportEventJson From(ReportEvent e) => new(e.At, e.Attempt, e.Step, ReportNames.Name(e.Outcome), e.Message, e.Code);
}

/// <summary><c>GET /v1/reports/ID</c> and <c>GET /v1/cases/ID/report</c>: the report, its files and its history (oldest first).</summary>
internal sealed record ReportDetailsJson(ReportJson Report, List<ReportFileJson> Files, List<ReportEventJson> Events)
{
    public static ReportDetailsJson From(OutboxReport report, IReadOnlyList<ReportEvent> events)
    {
        var files = new List<ReportFileJson>(report.Files.Count);
        foreach (var file in report.Files)
            files.Add(ReportFileJson.From(file));
        var lines = new List<ReportEventJson>(events.Count);
        foreach (var line in events)
            lines.Add(ReportEventJson.From(line));
        return new(ReportJson.From(report), files, lines);
    }
}

/// <summary><c>GET /v1/reports</c>: a page by id; <c>next</c> is the <c>after</c> of the next page, or null on the last.</summary>
internal sealed record ReportListJson(List<ReportJson> Reports, long? Next);

/// <summary><c>POST /v1/reports/ID/retry</c>: what the retry did and the report after it.</summary>
internal sealed record ReportRetryJson(string Outcome, ReportJson Report);

/// <summary><c>GET /status</c> with <c>Accept: application/json</c>: HMA's answer in a field, and what the report worker knows of the CyberTipline.</summary>
/// <param name="Status"><c>I-AM-ALIVE</c> or <c>INDEX-STALE</c>, as the plain-text answer.</param>
/// <param name="Reporting">Null when this server does not report.</param>
internal sealed record StatusJson(string Status, ReportingStatusJson? Reporting);

/// <summary>The CyberTipline as the report worker last saw it (never credentials: the endpoint is shown without user info or query).</summary>
/// <param name="Endpoint">The base URL reports go to.</param>
/// <param name="Environment"><c>production</c> (NCMEC's production host) or <c>test</c>.</param>
/// <param name="CheckedAt">When NCMEC's <c>GET /status</c> last answered or failed (null: not yet).</param>
/// <param name="Reachable">Whether it answered success then (null: not checked yet).</param>
/// <param name="Message">NCMEC's answer, or what went wrong.</param>
/// <param name="PausedUntil">When the worker takes reports again after NCMEC refused the credentials, or null.</param>
/// <param name="Filed">Reports this server's worker finished since it started.</param>
internal sealed record ReportingStatusJson(string Endpoint, string Environment, DateTimeOffset? CheckedAt, bool? Reachable, string Message,
    DateTimeOffset? PausedUntil, int Filed);

/// <summary>The reports' and the status's source-generated JSON (snake_case, as every Vigil endpoint; nulls are written).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ReportJson))]
[JsonSerializable(typeof(ReportDetailsJson))]
[JsonSerializable(typeof(ReportListJson))]
[JsonSerializable(typeof(ReportRetryJson))]
[JsonSerializable(typeof(StatusJson))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
