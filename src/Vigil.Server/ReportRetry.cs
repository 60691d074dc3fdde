using Vigil.Reporting.Delivery;
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
/// reports page: the shared <see cref="ReportOperations.RetryAsync"/> (the CLI's <c>vigil report retry</c>
/// makes the same change), its result in the server's words.
/// </summary>
internal static class ReportRetry
{
    /// <summary>Sends a failed or retracted report back to work as <paramref name="actor"/>.</summary>
    public static async Task<(ReportRetryOutcome Outcome, OutboxReport? Report)> RetryAsync(ReportOperations operations, long reportId, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var result = await operations.RetryAsync(reportId, actor, cancellationToken);
        var outcome = result.Status switch
        {
            ReportOperationStatus.Done => ReportRetryOutcome.Retried,
            ReportOperationStatus.NotFound => ReportRetryOutcome.NotFound,
            ReportOperationStatus.Busy => ReportRetryOutcome.Busy,
            _ => ReportRetryOutcome.NotRetryable,
        };
        return (outcome, result.Report);
    }
}
