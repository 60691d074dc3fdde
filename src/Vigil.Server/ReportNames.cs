using Vigil.Storage;

namespace Vigil.Server;

/// <summary>The names the HTTP API and the reports page give a report's states, its files' states and its history's outcomes (as the store spells them).</summary>
internal static class ReportNames
{
    /// <summary>Every report state, in the order a report moves through them (the filters of the reports page).</summary>
    public static readonly ReportState[] States =
    [
        ReportState.Queued, ReportState.Submitting, ReportState.Open, ReportState.Finishing, ReportState.Finished, ReportState.Failed, ReportState.Retracted,
    ];

    /// <summary>A state's name: <c>queued</c>, <c>submitting</c>, <c>open</c>, <c>finishing</c>, <c>finished</c>, <c>failed</c> or <c>retracted</c>.</summary>
    public static string Name(ReportState state) => state switch
    {
        ReportState.Queued => "queued",
        ReportState.Submitting => "submitting",
        ReportState.Open => "open",
        ReportState.Finishing => "finishing",
        ReportState.Finished => "finished",
        ReportState.Failed => "failed",
        ReportState.Retracted => "retracted",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>Reads a state's name (exactly as <see cref="Name(ReportState)"/> writes it).</summary>
    public static bool TryParseState(string? text, out ReportState state)
    {
        foreach (var candidate in States)
        {
            if (string.Equals(text, Name(candidate), StringComparison.Ordinal))
            {
                state = candidate;
                return true;
            }
        }
        state = default;
        return false;
    }

    /// <summary>A file state's name: <c>pending</c>, <c>uploading</c>, <c>uploaded</c> or <c>described</c>.</summary>
    public static string Name(ReportFileState state) => state switch
    {
        ReportFileState.Pending => "pending",
        ReportFileState.Uploading => "uploading",
        ReportFileState.Uploaded => "uploaded",
        ReportFileState.Described => "described",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>An outcome's name: <c>ok</c>, <c>retry</c>, <c>failed</c> or <c>note</c>.</summary>
    public static string Name(ReportOutcome outcome) => outcome switch
    {
        ReportOutcome.Ok => "ok",
        ReportOutcome.Retry => "retry",
        ReportOutcome.Failed => "failed",
        ReportOutcome.Note => "note",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    /// <summary>Whether an operator may send the report back to work (<see cref="ReportRetry"/>): it failed, or was retracted.</summary>
    public static bool IsRetryable(ReportState state) => state is ReportState.Failed or ReportState.Retracted;

    /// <summary>Files whose fileDetails NCMEC accepted (the last step of a file).</summary>
    public static int FilesDone(OutboxReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        int done = 0;
        foreach (var file in report.Files)
        {
            if (file.State == ReportFileState.Described)
                done++;
        }
        return done;
    }
}
