namespace Vigil.Storage;

/// <summary>
/// The report outbox: one report per case decided <c>report</c>, moved through the hotline's steps
/// by a worker that saves each step's result before it takes the next. Claims carry a lease, so two
/// workers (replicas on one PostgreSQL database) never work one report at once, and a worker that
/// died leaves its report to be taken again when the lease ends; no database lock is held between calls.
/// </summary>
/// <remarks>At <see cref="IVigilStore.Reports"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IReportOutboxStore
{
    /// <summary>Queues up to <paramref name="limit"/> cases decided <c>report</c> that have no report yet, oldest first; returns how many.</summary>
    Task<int> QueueDecidedCasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Queues one case (due at once); the report is the new or the existing one, null when the case cannot be reported.</summary>
    Task<(QueueReportResult Result, OutboxReport? Report)> QueueCaseAsync(long caseId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Claims the report due first that no one holds (or whose lease has lapsed), or null when none is due;
    /// <paramref name="holder"/> names the worker in the lease (see <see cref="ReleaseHeldReportsAsync"/>).</summary>
    Task<ClaimedReport?> ClaimNextReportAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default, string? holder = null);

    /// <summary>Frees every report whose lease <paramref name="holder"/> took (a restarted worker's previous run); returns how many.</summary>
    Task<int> ReleaseHeldReportsAsync(string holder, CancellationToken cancellationToken = default);

    /// <summary>Claims one report whatever its due time, or null when there is none or another holds it.</summary>
    Task<ClaimedReport?> ClaimReportAsync(long reportId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves a held report as <paramref name="next"/> (its row and all its files) with one history line, in one
    /// transaction, and renews the lease; null (nothing written) when the claim is no longer the holder's.
    /// </summary>
    Task<ClaimedReport?> SaveReportAsync(ClaimedReport claim, OutboxReport next, ReportEvent? line, DateTimeOffset now, TimeSpan lease,
        CancellationToken cancellationToken = default);

    /// <summary>Gives a held report back (its due time stays as saved).</summary>
    Task ReleaseReportAsync(ClaimedReport claim, CancellationToken cancellationToken = default);

    /// <summary>Reports by id after <paramref name="afterId"/>, of one state or all (null).</summary>
    Task<IReadOnlyList<OutboxReport>> ListReportsAsync(ReportState? state, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many reports are in each state.</summary>
    Task<IReadOnlyDictionary<ReportState, int>> CountReportsAsync(CancellationToken cancellationToken = default);

    /// <summary>One report with its files, or null.</summary>
    Task<OutboxReport?> GetReportAsync(long reportId, CancellationToken cancellationToken = default);

    /// <summary>The report of a case, or null.</summary>
    Task<OutboxReport?> GetReportForCaseAsync(long caseId, CancellationToken cancellationToken = default);

    /// <summary>A report's history, oldest first.</summary>
    Task<IReadOnlyList<ReportEvent>> ListReportEventsAsync(long reportId, CancellationToken cancellationToken = default);
}
