using Vigil.Storage;

namespace Vigil.Reporting.Delivery;

/// <summary>What an operator's action on a report (<see cref="ReportOperations"/>) came to.</summary>
public enum ReportOperationStatus
{
    /// <summary>Done: the report is saved as <see cref="ReportOperationResult.Report"/>.</summary>
    Done,

    /// <summary>There is no such report (or, for queueing, no such case).</summary>
    NotFound,

    /// <summary>A worker holds the report right now; nothing changed. Try again in a moment.</summary>
    Busy,

    /// <summary>The report's state does not allow it (a finished report is not retracted, only a failed or retracted one is retried, a case not decided <c>report</c> is not queued).</summary>
    NotAllowed,

    /// <summary>The hotline did not do it (unreachable, refused the credentials); nothing changed here.</summary>
    HotlineError,
}

/// <summary>What an operator's action on a report came to, with one line that says so.</summary>
/// <param name="Status">How it came out.</param>
/// <param name="Report">The report as it is now (null when there is none).</param>
/// <param name="Message">One line for the operator (the CLI prints it, the UI shows it); never a secret.</param>
public sealed record ReportOperationResult(ReportOperationStatus Status, OutboxReport? Report, string Message)
{
    /// <summary>True when the action was done.</summary>
    public bool Succeeded => Status == ReportOperationStatus.Done;
}
