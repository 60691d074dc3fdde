namespace Vigil.Storage;

/// <summary>
/// Review cases: items opened from every source, the leased queue, decisions, the sealed media of
/// items, and reviewers' exposure and settings (schema step 7). Times come from the caller, so
/// leases, retention and exposure days follow the service's clock.
/// </summary>
/// <remarks>Part of <see cref="IVigilStore"/>; an implementation is safe to use from several threads at once.</remarks>
public interface ICaseStore
{
    /// <summary>
    /// Adds an item to its subject's open case, opening one when there is none; the case's priority
    /// becomes its most urgent item's. A private-matching item whose (source, account, voucher id)
    /// exists already is not added again (<see cref="OpenedItem.NewItem"/> is false).
    /// </summary>
    Task<OpenedItem> AddCaseItemAsync(NewCaseItem item, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Cases with an id above <paramref name="afterId"/>, in id order, at most <paramref name="limit"/>, of one status or all (null).</summary>
    Task<IReadOnlyList<ReviewCase>> ListCasesAsync(CaseStatus? status, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Open cases in queue order (priority, then oldest), after <paramref name="after"/> (null: from the start), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ReviewCase>> ListQueueAsync(QueueCursor? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>The case with its items, their matches and its decisions, or null.</summary>
    Task<CaseDetails?> GetCaseAsync(long caseId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives <paramref name="reviewer"/> the next open case with a lease until <paramref name="leaseUntil"/>:
    /// the one it already holds (the lease renewed), else the first in queue order whose lease is
    /// free or ended, passing over escalated cases unless <paramref name="senior"/> (who gets them
    /// first) and, under four-eyes, cases awaiting a second reviewer that this reviewer said report on.
    /// Null when there is none. Two claimers never get one case.
    /// </summary>
    Task<ReviewCase?> ClaimNextCaseAsync(string reviewer, bool senior, DateTimeOffset now, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases one case to <paramref name="reviewer"/> (a reviewer opening it from the queue page, or
    /// the command line deciding it): <see cref="CaseChange.Done"/> when its lease was free, ended or
    /// already this reviewer's; <see cref="CaseChange.NotLeased"/> while another reviewer holds it.
    /// </summary>
    Task<CaseChange> ClaimCaseAsync(long caseId, string reviewer, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Gives up <paramref name="reviewer"/>'s lease of the case.</summary>
    Task<CaseChange> ReleaseCaseAsync(long caseId, string reviewer, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an item verdict by the lease holder. <see cref="ItemVerdict.Confirmed"/> needs a
    /// classification; <see cref="ItemVerdict.NotAbuse"/> also counts a false positive against
    /// every bank entry the item matched; <see cref="ItemVerdict.Escalate"/> marks the case escalated.
    /// </summary>
    Task<CaseChange> DecideItemAsync(long caseId, long itemId, string reviewer, ItemVerdict verdict, IndustryClassification? classification,
        DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a case verdict by the lease holder and lets the lease go. Report and no-report decide
    /// the case (under <paramref name="fourEyes"/> a report needs a second, different reviewer's;
    /// the first is recorded and <see cref="CaseChange.AwaitingSecondReviewer"/> answered); escalate
    /// keeps it open for senior reviewers.
    /// </summary>
    Task<CaseChange> DecideCaseAsync(long caseId, string reviewer, CaseVerdict verdict, bool fourEyes, DateTimeOffset now,
        CancellationToken cancellationToken = default);

    /// <summary>The item's sealed media, or null (no such item in the case, no media, or purged).</summary>
    Task<SealedMedia?> GetItemMediaAsync(long caseId, long itemId, CancellationToken cancellationToken = default);

    /// <summary>The item's private-matching thumbnail, or null.</summary>
    Task<byte[]?> GetItemThumbnailAsync(long caseId, long itemId, CancellationToken cancellationToken = default);

    /// <summary>Notes that the item's clear media was shown (the report says the file was viewed).</summary>
    Task MarkViewedClearAsync(long caseId, long itemId, CancellationToken cancellationToken = default);

    /// <summary>Marks a decided <c>report</c> case reported (the reporting outbox's last step).</summary>
    Task<CaseChange> MarkReportedAsync(long caseId, string reportId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Sets or clears a case's legal hold; false when there is no such case.</summary>
    Task<bool> SetLegalHoldAsync(long caseId, bool hold, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the evidence of cases past retention, in one transaction: reported cases whose report is older than
    /// <paramref name="reportedBefore"/>, cases decided no-report before <paramref name="dismissedBefore"/> (their user
    /// context too); never a case under legal hold. A case's evidence is its media and thumbnails, and for a conversation's
    /// item the messages kept on it and the stored conversation. Also deletes the stored messages of conversations that
    /// never opened a review item and received none since <paramref name="idleConversationsBefore"/>.
    /// </summary>
    Task<RetentionPurge> PurgePastRetentionAsync(DateTimeOffset reportedBefore, DateTimeOffset dismissedBefore, DateTimeOffset idleConversationsBefore,
        DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Adds seconds of clear media on screen (and clear views) to a reviewer's day; returns the day's totals.</summary>
    Task<ReviewerExposure> AddExposureAsync(string reviewer, DateOnly day, double seconds, int clearViews, CancellationToken cancellationToken = default);

    /// <summary>A reviewer's exposure on a day (zero when none).</summary>
    Task<ReviewerExposure> GetExposureAsync(string reviewer, DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>Every reviewer's exposure on a day, most exposed first.</summary>
    Task<IReadOnlyList<ReviewerExposure>> ListExposureAsync(DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>A reviewer's settings (all null when never set).</summary>
    Task<ReviewerSettings> GetReviewerSettingsAsync(string reviewer, CancellationToken cancellationToken = default);

    /// <summary>Stores a reviewer's settings.</summary>
    Task SetReviewerSettingsAsync(string reviewer, ReviewerSettings settings, DateTimeOffset now, CancellationToken cancellationToken = default);
}
