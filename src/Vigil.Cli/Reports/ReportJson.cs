using System.Text.Json.Serialization;
using Vigil.Reporting.Delivery;
using Vigil.Storage;

namespace Vigil.Cli.Reports;

/// <summary>A report as <c>vigil report list --format json</c> shows it (snake_case keys).</summary>
/// <param name="Id">The outbox's report id.</param>
/// <param name="CaseId">The case it reports.</param>
/// <param name="State"><c>queued</c>, <c>submitting</c>, <c>open</c>, <c>finishing</c>, <c>finished</c>, <c>failed</c> or <c>retracted</c>.</param>
/// <param name="Attempt">Which start this is (1, then one more per restart).</param>
/// <param name="HotlineReportId">NCMEC's report id once submitted.</param>
/// <param name="FilesDone">Files NCMEC has and has described.</param>
/// <param name="FilesTotal">Files to send (0 until submitted).</param>
/// <param name="Tries">Failed tries of the current step in a row.</param>
/// <param name="NextAttemptAt">When a worker may take it next.</param>
/// <param name="LastCode">NCMEC's result code of the last failure.</param>
/// <param name="LastError">What went wrong last, with NCMEC's description.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="OpenedAt">When NCMEC opened it.</param>
/// <param name="FinishedAt">When NCMEC confirmed the finish.</param>
/// <param name="UpdatedAt">When it last changed.</param>
internal sealed record ReportJson(long Id, long CaseId, string State, int Attempt, long? HotlineReportId, int FilesDone, int FilesTotal, int Tries,
    DateTimeOffset NextAttemptAt, int? LastCode, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? OpenedAt, DateTimeOffset? FinishedAt,
    DateTimeOffset UpdatedAt)
{
    public static ReportJson From(OutboxReport r) => new(r.Id, r.CaseId, ReportNames.Name(r.State), r.Attempt, r.HotlineReportId,
        r.FilesDone, r.Files.Count, r.Tries, r.NextAttemptAt, r.LastCode, r.LastError, r.CreatedAt, r.OpenedAt, r.FinishedAt, r.UpdatedAt);
}

/// <summary>One file of a report.</summary>
/// <param name="Position">Its place in the report (0, 1, ...).</param>
/// <param name="ItemId">The case item whose media it is.</param>
/// <param name="FileName">The name it is uploaded under.</param>
/// <param name="Md5">Our MD5 of it.</param>
/// <param name="State"><c>pending</c>, <c>uploading</c>, <c>uploaded</c> or <c>described</c>.</param>
/// <param name="FileId">NCMEC's file id once uploaded.</param>
/// <param name="HotlineMd5">NCMEC's MD5 of what it received.</param>
internal sealed record ReportFileJson(int Position, long ItemId, string FileName, string Md5, string State, string? FileId, string? HotlineMd5)
{
    public static ReportFileJson From(OutboxReportFile f) =>
        new(f.Position, f.ItemId, f.FileName, f.Md5, f.State.ToString().ToLowerInvariant(), f.FileId, f.HotlineMd5);
}

/// <summary>One line of a report's history.</summary>
/// <param name="At">When.</param>
/// <param name="Attempt">The report's attempt then.</param>
/// <param name="Step">submit, upload, fileinfo, finish, case, retract, restart, retry, ...</param>
/// <param name="Outcome"><c>ok</c>, <c>retry</c>, <c>failed</c> or <c>note</c>.</param>
/// <param name="Message">What happened, with NCMEC's description where it gave one.</param>
/// <param name="Code">NCMEC's result code, or null.</param>
internal sealed record ReportEventJson(DateTimeOffset At, int Attempt, string Step, string Outcome, string Message, int? Code)
{
    public static ReportEventJson From(ReportEvent e) => new(e.At, e.Attempt, e.Step, e.Outcome.ToString().ToLowerInvariant(), e.Message, e.Code);
}

/// <summary>A report with its files and history, as <c>vigil report show --format json</c> shows it.</summary>
/// <param name="Report">The report.</param>
/// <param name="Files">Its files in order.</param>
/// <param name="History">Its history, oldest first.</param>
internal sealed record ReportDetailsJson(ReportJson Report, IReadOnlyList<ReportFileJson> Files, IReadOnlyList<ReportEventJson> History);

/// <summary>The report commands' source-generated JSON.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<ReportJson>))]
[JsonSerializable(typeof(ReportDetailsJson))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
