namespace Vigil.Storage;

/// <summary>Where a report in the outbox stands. The delivery moves it forward one persisted step at a time.</summary>
public enum ReportState
{
    /// <summary>Waiting to be submitted (new, or started again after a retraction).</summary>
    Queued,

    /// <summary>The submit was sent and its answer not yet stored: resuming submits again (an unanswered report is dropped by the hotline).</summary>
    Submitting,

    /// <summary>Open at the hotline under <see cref="OutboxReport.HotlineReportId"/>: files are uploaded and described.</summary>
    Open,

    /// <summary>Finish was sent (<see cref="OutboxReport.FinishedAt"/> set once the hotline confirmed it; then the case is marked).</summary>
    Finishing,

    /// <summary>Finished at the hotline and the case marked reported.</summary>
    Finished,

    /// <summary>Stopped by a permanent failure (a refused document, refused credentials, nothing to file): an operator retries it.</summary>
    Failed,

    /// <summary>Retracted by an operator before it was finished; not started again on its own.</summary>
    Retracted,
}

/// <summary>Where one file of a report stands.</summary>
public enum ReportFileState
{
    /// <summary>Not sent yet.</summary>
    Pending,

    /// <summary>The upload was sent and its answer not yet stored: the hotline may hold it, so resuming starts the report again.</summary>
    Uploading,

    /// <summary>Uploaded: the hotline's file id and MD5 are stored.</summary>
    Uploaded,

    /// <summary>Its fileDetails were accepted.</summary>
    Described,
}

/// <summary>One file of a report: a confirmed item's media, in the order they are sent.</summary>
public sealed record OutboxReportFile
{
    /// <summary>The file's place in the report (0, 1, ...).</summary>
    public required int Position { get; init; }

    /// <summary>The case item whose sealed media this is.</summary>
    public required long ItemId { get; init; }

    /// <summary>The name it is uploaded under.</summary>
    public required string FileName { get; init; }

    /// <summary>Our MD5 of the media, lower-case hex.</summary>
    public required string Md5 { get; init; }

    /// <summary>Where it stands.</summary>
    public ReportFileState State { get; init; } = ReportFileState.Pending;

    /// <summary>The hotline's id for the file, once uploaded.</summary>
    public string? FileId { get; init; }

    /// <summary>The MD5 the hotline computed, once uploaded.</summary>
    public string? HotlineMd5 { get; init; }
}

/// <summary>A report in the outbox: one per case decided <c>report</c>.</summary>
public sealed record OutboxReport
{
    /// <summary>The outbox's id for the report.</summary>
    public required long Id { get; init; }

    /// <summary>The case it reports.</summary>
    public required long CaseId { get; init; }

    /// <summary>Where it stands.</summary>
    public required ReportState State { get; init; }

    /// <summary>Which start this is (1, then one more each time the report is retracted and started again).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The hotline's report id (NCMEC's reportId) once submitted.</summary>
    public long? HotlineReportId { get; init; }

    /// <summary>When the hotline opened it.</summary>
    public DateTimeOffset? OpenedAt { get; init; }

    /// <summary>When the hotline last accepted a change to it (the window of an unfinished report counts from here).</summary>
    public DateTimeOffset? ChangedAt { get; init; }

    /// <summary>When the hotline confirmed the finish.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Failed tries of the current step in a row (the back-off grows with it).</summary>
    public int Tries { get; init; }

    /// <summary>When the worker may take it next.</summary>
    public required DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>The hotline's result code of the last failure, or null.</summary>
    public int? LastCode { get; init; }

    /// <summary>What went wrong last (the hotline's description where it gave one), or null.</summary>
    public string? LastError { get; init; }

    /// <summary>When it was queued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Its files in order (empty until the report is submitted).</summary>
    public IReadOnlyList<OutboxReportFile> Files { get; init; } = [];

    /// <summary>Files whose fileDetails the hotline accepted (a file's last step).</summary>
    public int FilesDone
    {
        get
        {
            int done = 0;
            foreach (var file in Files)
            {
                if (file.State == ReportFileState.Described)
                    done++;
            }
            return done;
        }
    }

    /// <summary>Whether an operator may send it back to work: it failed, or was retracted.</summary>
    public bool CanRetry => State is ReportState.Failed or ReportState.Retracted;
}

/// <summary>How a step of a report came out.</summary>
public enum ReportOutcome
{
    /// <summary>The step succeeded.</summary>
    Ok,

    /// <summary>A transient failure: the step is tried again later.</summary>
    Retry,

    /// <summary>A permanent failure: the report stops.</summary>
    Failed,

    /// <summary>Something worth recording that is neither (a restart, an operator's action).</summary>
    Note,
}

/// <summary>One line of a report's history: a step and how it came out, with the hotline's message.</summary>
/// <param name="At">When.</param>
/// <param name="Attempt">The report's attempt then.</param>
/// <param name="Step">The step (<c>submit</c>, <c>upload</c>, <c>fileinfo</c>, <c>finish</c>, <c>retract</c>, <c>restart</c>, ...).</param>
/// <param name="Outcome">How it came out.</param>
/// <param name="Message">What happened, in words (the hotline's description where it gave one).</param>
/// <param name="Code">The hotline's result code, or null.</param>
public sealed record ReportEvent(DateTimeOffset At, int Attempt, string Step, ReportOutcome Outcome, string Message, int? Code = null);

/// <summary>A report held by one worker: only the holder of <see cref="Lease"/> may save it, until <see cref="LeaseUntil"/>.</summary>
/// <param name="Report">The report as claimed (or as last saved).</param>
/// <param name="Lease">The claim's token.</param>
/// <param name="LeaseUntil">When the claim lapses and another worker may take it.</param>
public sealed record ClaimedReport(OutboxReport Report, string Lease, DateTimeOffset LeaseUntil);

/// <summary>What queueing a case came to.</summary>
public enum QueueReportResult
{
    /// <summary>A new report was queued.</summary>
    Queued,

    /// <summary>The case has a report already (in whatever state).</summary>
    AlreadyQueued,

    /// <summary>There is no such case.</summary>
    NoSuchCase,

    /// <summary>The case is not decided <c>report</c>.</summary>
    NotDecidedReport,
}
