using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Reporting.Client;
using Vigil.Reporting.Model;
using Vigil.Reporting.Xml;
using Vigil.Review;
using Vigil.Storage;

namespace Vigil.Reporting.Delivery;

/// <summary>
/// What an operator does to a report in the outbox: queue a case now, retry a failed or retracted
/// report, retract an unfinished one. The CLI (<c>vigil report send|retry|retract</c>) and the UI's
/// reports page call these, so both change a report the same way: each holds the report by its
/// lease (never while a worker does), saves it with a line in its history naming the operator, and
/// records the action in the audit log.
/// </summary>
public sealed class ReportOperations
{
    private readonly IVigilStore _store;
    private readonly IReviewAudit _audit;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _lease;

    /// <summary>Operations on <paramref name="store"/>'s outbox, audited through <paramref name="audit"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="audit">Where the actions are recorded (<see cref="StoreReviewAudit"/> on the command line, the server's audit trail in the service).</param>
    /// <param name="clock">The clock (tests inject one).</param>
    /// <param name="lease">How long an action may hold the report (it gives it back when done). Default 15 min: longer than a retract
    /// through every retry of the client at its default settings, so no worker takes the report while NCMEC is being asked.</param>
    public ReportOperations(IVigilStore store, IReviewAudit audit, TimeProvider? clock = null, TimeSpan? lease = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _audit = audit ?? throw new ArgumentNullException(nameof(audit));
        _clock = clock ?? TimeProvider.System;
        _lease = lease ?? TimeSpan.FromMinutes(15);
    }

    /// <summary>
    /// Queues the report of a case decided <c>report</c>, due at once (a running worker takes it within its poll
    /// interval). <see cref="ReportOperationStatus.Done"/> for a new report and for a case that has one already
    /// (the result's report says which, and its state).
    /// </summary>
    public async Task<ReportOperationResult> QueueAsync(long caseId, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var (result, report) = await _store.Reports.QueueCaseAsync(caseId, _clock.GetUtcNow(), cancellationToken);
        switch (result)
        {
            case QueueReportResult.Queued:
                await AuditAsync(actor, "report.queue", report!, null, cancellationToken);
                return new(ReportOperationStatus.Done, report, $"case {caseId}: report {report!.Id} queued");
            case QueueReportResult.AlreadyQueued:
                return new(ReportOperationStatus.Done, report, $"case {caseId} has report {report!.Id} already ({ReportNames.Name(report.State)})");
            case QueueReportResult.NoSuchCase:
                return new(ReportOperationStatus.NotFound, null, $"no case {caseId}");
            default:
                return new(ReportOperationStatus.NotAllowed, null, $"case {caseId} is not decided report: only a case decided report is filed");
        }
    }

    /// <summary>
    /// Puts a failed or retracted report back to work, due at once with a fresh count of tries. It continues its
    /// report at the hotline when the hotline may still hold it open; it starts again as a new report (the next
    /// attempt) when the hotline cannot: it was retracted, it gave up after its restarts, or its window is over.
    /// </summary>
    /// <param name="reportId">The outbox's report id.</param>
    /// <param name="actor">Who retries (named in the history and the audit log).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    public async Task<ReportOperationResult> RetryAsync(long reportId, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var (claim, refused) = await ClaimAsync(reportId, cancellationToken);
        if (claim is null)
            return refused!;
        try
        {
            var report = claim.Report;
            if (!report.CanRetry)
                return new(ReportOperationStatus.NotAllowed, report, $"report {reportId} is {ReportNames.Name(report.State)}; only a failed or retracted report is retried");
            var now = _clock.GetUtcNow();
            bool gone = report.HotlineReportId is not null && (report.State == ReportState.Retracted || now >= ReportDelivery.Deadline(report)
                || await LastFailedStepAsync(reportId, cancellationToken) == "restart");
            OutboxReport next;
            string message;
            if (gone || report.State == ReportState.Retracted)
            {
                next = report with
                {
                    State = ReportState.Queued, Attempt = report.HotlineReportId is null ? report.Attempt : report.Attempt + 1, HotlineReportId = null,
                    OpenedAt = null, ChangedAt = null, FinishedAt = null, Files = [],
                };
                message = report.HotlineReportId is { } old
                    ? $"retried by {actor}: NCMEC no longer holds report {old}, so it starts again as a new report"
                    : $"retried by {actor}";
            }
            else
            {
                next = report with
                {
                    State = report.FinishedAt is not null ? ReportState.Finishing : report.HotlineReportId is null ? ReportState.Queued : ReportState.Open,
                };
                message = report.HotlineReportId is { } open ? $"retried by {actor}: continues report {open} at NCMEC" : $"retried by {actor}";
            }
            next = next with { Tries = 0, NextAttemptAt = now, LastCode = null, LastError = null };
            var saved = await _store.Reports.SaveReportAsync(claim, next, new ReportEvent(now, next.Attempt, "retry", ReportOutcome.Note, message), now, _lease,
                cancellationToken);
            if (saved is null)
                return Busy(reportId, report);
            claim = saved;
            await AuditAsync(actor, "report.retry", saved.Report, report.HotlineReportId, cancellationToken);
            return new(ReportOperationStatus.Done, saved.Report, $"report {reportId} of case {report.CaseId} is {ReportNames.Name(saved.Report.State)} again: {message}");
        }
        finally
        {
            await _store.Reports.ReleaseReportAsync(claim, CancellationToken.None);
        }
    }

    /// <summary>
    /// Retracts a report that is not finished (queued, submitting, open or failed): at the hotline first when it
    /// holds it open (<paramref name="client"/> is then needed), then here, where it rests as retracted until an
    /// operator retries it. A report the hotline says is finished is kept (and marked as such), never retracted.
    /// </summary>
    /// <param name="reportId">The outbox's report id.</param>
    /// <param name="actor">Who retracts (named in the history and the audit log).</param>
    /// <param name="client">The CyberTipline client; only needed when the report is open at the hotline.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    public async Task<ReportOperationResult> RetractAsync(long reportId, string actor, CyberTiplineClient? client, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var (claim, refused) = await ClaimAsync(reportId, cancellationToken);
        if (claim is null)
            return refused!;
        try
        {
            var report = claim.Report;
            switch (report.State)
            {
                case ReportState.Finished:
                    return new(ReportOperationStatus.NotAllowed, report,
                        $"report {reportId} is finished (NCMEC report {report.HotlineReportId}): a finished report cannot be retracted");
                case ReportState.Retracted:
                    return new(ReportOperationStatus.NotAllowed, report, $"report {reportId} is retracted already");
                case ReportState.Finishing:
                case ReportState.Failed when report.FinishedAt is not null:
                    return new(ReportOperationStatus.NotAllowed, report,
                        $"report {reportId} is being finished (NCMEC report {report.HotlineReportId}): it cannot be retracted now");
            }
            string note;
            if (report.HotlineReportId is { } hotlineId)
            {
                if (client is null)
                    return new(ReportOperationStatus.NotAllowed, report,
                        $"report {reportId} is open at NCMEC as report {hotlineId}: retracting it needs the CyberTipline settings");
                try
                {
                    await client.RetractReportAsync(hotlineId, cancellationToken);
                    note = $"NCMEC retracted report {hotlineId}";
                }
                catch (CyberTiplineRejectedException e) when (e.Code == ResponseCodes.ReportDoesNotExist)
                {
                    note = $"NCMEC no longer holds report {hotlineId} ({e.Description})";
                }
                catch (CyberTiplineRejectedException e) when (e.Code == ResponseCodes.ReportAlreadyFinished)
                {
                    // Finished after all (a finish whose answer was lost): keep it; the worker marks the case reported.
                    var now = _clock.GetUtcNow();
                    var kept = await _store.Reports.SaveReportAsync(claim,
                        report with { State = ReportState.Finishing, FinishedAt = now, NextAttemptAt = now, Tries = 0, LastCode = null, LastError = null },
                        new ReportEvent(now, report.Attempt, "retract", ReportOutcome.Note,
                            $"{actor} asked to retract; NCMEC says report {hotlineId} is finished, so it is kept and the case is marked reported next"),
                        now, _lease, cancellationToken);
                    if (kept is not null)
                        claim = kept;
                    return new(ReportOperationStatus.NotAllowed, kept?.Report ?? report,
                        $"report {reportId} is finished at NCMEC (report {hotlineId}): it cannot be retracted; it is kept and the case is marked reported");
                }
                catch (Exception e) when (e is CyberTiplineException or CyberTiplineProtocolException or HttpRequestException)
                {
                    return new(ReportOperationStatus.HotlineError, report, $"NCMEC did not retract report {hotlineId}: {e.Message}; nothing changed, try again");
                }
            }
            else
            {
                note = report.State == ReportState.Submitting
                    ? "the answer to its submit was lost; NCMEC drops a report nobody finishes"
                    : "it was not submitted";
            }
            var at = _clock.GetUtcNow();
            string message = $"retracted by {actor}; {note}";
            var saved = await _store.Reports.SaveReportAsync(claim, report with { State = ReportState.Retracted, Tries = 0, NextAttemptAt = at },
                new ReportEvent(at, report.Attempt, "retract", ReportOutcome.Note, message), at, _lease, cancellationToken);
            if (saved is null)
                return Busy(reportId, report);
            claim = saved;
            await AuditAsync(actor, "report.retract", saved.Report, report.HotlineReportId, cancellationToken);
            return new(ReportOperationStatus.Done, saved.Report, $"report {reportId} of case {report.CaseId}: {message}");
        }
        finally
        {
            await _store.Reports.ReleaseReportAsync(claim, CancellationToken.None);
        }
    }

    private async Task<(ClaimedReport? Claim, ReportOperationResult? Refused)> ClaimAsync(long reportId, CancellationToken cancellationToken)
    {
        var claim = await _store.Reports.ClaimReportAsync(reportId, _clock.GetUtcNow(), _lease, cancellationToken);
        if (claim is not null)
            return (claim, null);
        var report = await _store.Reports.GetReportAsync(reportId, cancellationToken);
        return (null, report is null ? new(ReportOperationStatus.NotFound, null, $"no report {reportId}") : Busy(reportId, report));
    }

    private static ReportOperationResult Busy(long reportId, OutboxReport report) =>
        new(ReportOperationStatus.Busy, report, $"report {reportId} is being worked on by a worker right now; try again in a moment");

    private async Task<string?> LastFailedStepAsync(long reportId, CancellationToken cancellationToken)
    {
        var history = await _store.Reports.ListReportEventsAsync(reportId, cancellationToken);
        for (int i = history.Count - 1; i >= 0; i--)
        {
            if (history[i].Outcome == ReportOutcome.Failed)
                return history[i].Step;
        }
        return null;
    }

    private Task AuditAsync(string actor, string action, OutboxReport report, long? hotlineReportId, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("case", report.CaseId);
            writer.WriteString("state", ReportNames.Name(report.State));
            writer.WriteNumber("attempt", report.Attempt);
            if ((hotlineReportId ?? report.HotlineReportId) is { } id)
                writer.WriteString("hotline_report_id", id.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }
        return _audit.RecordAsync(actor, action, "report/" + report.Id.ToString(CultureInfo.InvariantCulture),
            Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), cancellationToken);
    }
}
