namespace Vigil.Storage;

/// <summary>The names a report's states, its files' states and its history's outcomes are stored and shown by (the store, the CLI, the HTTP API and the reports page).</summary>
public static class ReportNames
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
    public static bool TryParseState(string? text, out ReportState state) => NameTable.TryParse(text, States, Name, out state);

    /// <summary>Reads a file state's name.</summary>
    public static bool TryParseFileState(string? text, out ReportFileState state) =>
        NameTable.TryParse(text, [ReportFileState.Pending, ReportFileState.Uploading, ReportFileState.Uploaded, ReportFileState.Described], Name, out state);

    /// <summary>Reads an outcome's name.</summary>
    public static bool TryParseOutcome(string? text, out ReportOutcome outcome) =>
        NameTable.TryParse(text, [ReportOutcome.Ok, ReportOutcome.Retry, ReportOutcome.Failed, ReportOutcome.Note], Name, out outcome);

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
}
