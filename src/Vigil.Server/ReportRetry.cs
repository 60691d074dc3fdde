using Vigil.Storage;

namespace Vigil.Server;

/// <summary>What an operator's retry of a report came to.</summary>
internal enum ReportRetryOutcome
{
    /// <summary>The report is back at work (queued again, or open again at NCMEC).</summary>
    Retried,

    /// <summary>There is no such report.</summary>
    NotFound,

    /// <summary>The report is neither failed nor retracted: there is nothing to retry.</summary>
    NotRetryable,

    /// <summary>A worker holds the report right now; try again in a moment.</summary>
    Busy,
}

/// <summary>
/// The operator's retry of a failed or retracted report, for <c>POST /v1/reports/ID/retry</c> and the
/// reports page.
/// </summary>
internal static class ReportRetry
{
    /// <summary>How long the retry holds the report it changes (it gives it back at once).</summary>
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(1);

    // ---------------------------------------------------------------------------------------------
    // STAND-IN, to be replaced at merge: a shared retry (ReportOperations.RetryAsync in
    // src/Vigil.Reporting/Delivery) is being written for the CLI's `vigil report retry`; once it is on
    // main, this method's body becomes a call to it and the outcomes map onto ReportRetryOutcome.
    // Keep every retry rule in this one method until then.
    // ---------------------------------------------------------------------------------------------
    /// <summary>
    /// Sends a failed or retracted report back to work: queued when NCMEC never opened it, else open
    /// again under its NCMEC id (the delivery resumes from the files' saved states, and starts again
    /// if NCMEC no longer holds the report), with its tries reset, due now, and a history line naming
    /// <paramref name="actor"/>. The report is claimed for the change, so a worker never holds it meanwhile.
    /// </summary>
    public static async Task<(ReportRetryOutcome Outcome, OutboxReport? Report)> RetryAsync(IVigilStore store, long reportId, string actor,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        // Read first: a report that is not to be retried is never claimed (a worker could be about to take it).
        var existing = await store.Reports.GetReportAsync(reportId, cancellationToken);
        if (existing is null)
            return (ReportRetryOutcome.NotFound, null);
        if (!ReportNames.IsRetryable(existing.State))
            return (ReportRetryOutcome.NotRetryable, existing);
        var claim = await store.Reports.ClaimReportAsync(reportId, now, Hold, cancellationToken);
        if (claim is null)
            return (ReportRetryOutcome.Busy, existing);
        var report = claim.Report;
        if (!ReportNames.IsRetryable(report.State))
        {
            // Retried by someone else between the read and the claim.
            await store.Reports.ReleaseReportAsync(claim, CancellationToken.None);
            return (ReportRetryOutcome.NotRetryable, report);
        }
        var next = report with
        {
            State = report.HotlineReportId is null ? ReportState.Queued : ReportState.Open,
            Tries = 0,
            NextAttemptAt = now,
        };
        var line = new ReportEvent(now, report.Attempt, "retry", ReportOutcome.Note, $"retried by {actor}");
        var saved = await store.Reports.SaveReportAsync(claim, next, line, now, Hold, cancellationToken);
        if (saved is null)
            return (ReportRetryOutcome.Busy, report);
        await store.Reports.ReleaseReportAsync(saved, CancellationToken.None);
        return (ReportRetryOutcome.Retried, saved.Report);
    }
}
