using System.Globalization;
using Vigil.Cli.Interaction;
using Vigil.Reporting.Delivery;
using Vigil.Storage;

namespace Vigil.Cli.Reports;

/// <summary>How the report commands' text output shows reports, their files and their history.</summary>
internal static class ReportText
{
    /// <summary>The header of <see cref="Row"/>.</summary>
    public const string Header = "REPORT  CASE      STATE       ATTEMPT  NCMEC       FILES  UPDATED               LAST ERROR";

    /// <summary>One report in a list.</summary>
    public static string Row(OutboxReport r) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{r.Id,-6}  {r.CaseId,-8}  {ReportNames.Name(r.State),-10}  {r.Attempt,7}  {Hotline(r),-10}  {Files(r),5}  {TimeText.Utc(r.UpdatedAt)}  {Error(r)}").TrimEnd();

    /// <summary>A report in full: what it is, its times, its files, its history.</summary>
    public static void Write(TextWriter output, OutboxReport r, IReadOnlyList<ReportEvent> history)
    {
        output.WriteLine($"report {r.Id} of case {r.CaseId}: {ReportNames.Name(r.State)}" +
                         (r.HotlineReportId is { } id ? $", NCMEC report {id}" : "") + $", attempt {r.Attempt}");
        output.WriteLine($"  queued {TimeText.Utc(r.CreatedAt)}" + (r.OpenedAt is { } opened ? $", opened {TimeText.Utc(opened)}" : "") +
                         (r.FinishedAt is { } finished ? $", finished {TimeText.Utc(finished)}" : "") + $", updated {TimeText.Utc(r.UpdatedAt)}" +
                         (r.State is ReportState.Queued or ReportState.Submitting or ReportState.Open or ReportState.Finishing
                             ? $", next try {TimeText.Utc(r.NextAttemptAt)}" + (r.Tries > 0 ? $" (after {r.Tries} failed)" : "")
                             : ""));
        if (r.LastError is not null)
            output.WriteLine($"  last error: {Error(r)}");
        if (r.Files.Count > 0)
        {
            output.WriteLine($"  files ({Files(r)} done):");
            foreach (var f in r.Files)
            {
                output.WriteLine($"    {f.Position + 1}. {f.FileName}  item {f.ItemId}  md5 {f.Md5}  {f.State.ToString().ToLowerInvariant()}" +
                                 (f.FileId is { } fileId ? $"  NCMEC file {fileId}" + (f.HotlineMd5 is { } md5 && md5 != f.Md5 ? $" (NCMEC's MD5 {md5})" : "") : ""));
            }
        }
        output.WriteLine("  history:");
        foreach (var e in history)
            output.WriteLine("  " + Event(e));
    }

    /// <summary>One line of a report's history: when, the attempt, the step, how it came out, and NCMEC's message.</summary>
    public static string Event(ReportEvent e) =>
        string.Create(CultureInfo.InvariantCulture,
            $"  {TimeText.Utc(e.At)}  #{e.Attempt}  {e.Step,-8}  {e.Outcome.ToString().ToLowerInvariant(),-6}  {e.Message}{(e.Code is { } code ? $" [code {code}]" : "")}");

    private static string Hotline(OutboxReport r) => r.HotlineReportId?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Files(OutboxReport r) => r.Files.Count == 0 ? "-" : $"{r.FilesDone}/{r.Files.Count}";

    private static string Error(OutboxReport r) =>
        r.LastError is null ? "" : r.LastCode is { } code ? string.Create(CultureInfo.InvariantCulture, $"{r.LastError} [code {code}]") : r.LastError;
}
