using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>Where a case stands.</summary>
public enum CaseStatus
{
    /// <summary>In the queue: items to decide, or a case verdict still to give (or a second reviewer's, under four-eyes).</summary>
    Open,

    /// <summary>A reviewer gave the case verdict (<see cref="CaseVerdict.Report"/> waits here for the reporting outbox).</summary>
    Decided,

    /// <summary>A report about the case was filed (its id is <see cref="ReviewCase.ReportId"/>).</summary>
    Reported,
}

/// <summary>A reviewer's verdict on one item.</summary>
public enum ItemVerdict
{
    /// <summary>Abuse material, with an industry classification: its hashes go into the confirmed bank.</summary>
    Confirmed,

    /// <summary>A false positive: the query hash goes into the false-positive (negative) bank.</summary>
    NotAbuse,

    /// <summary>Needs a senior reviewer.</summary>
    Escalate,

    /// <summary>Left for now (no effect beyond the record).</summary>
    Skip,
}

/// <summary>A reviewer's verdict on a whole case.</summary>
public enum CaseVerdict
{
    /// <summary>File a CyberTipline report (under four-eyes, once two reviewers agree).</summary>
    Report,

    /// <summary>Nothing to report.</summary>
    NoReport,

    /// <summary>Needs a senior reviewer.</summary>
    Escalate,
}

/// <summary>The industry classification scheme shared by NCMEC and the hash exchanges.</summary>
public enum IndustryClassification
{
    /// <summary>A prepubescent minor, a sex act.</summary>
    A1,

    /// <summary>A prepubescent minor, lascivious exhibition.</summary>
    A2,

    /// <summary>A pubescent minor, a sex act.</summary>
    B1,

    /// <summary>A pubescent minor, lascivious exhibition.</summary>
    B2,
}

/// <summary>One bank match that brought an item in, with what the bank entry said about itself.</summary>
/// <param name="Bank">The bank's name.</param>
/// <param name="ContentId">The entry's content id.</param>
/// <param name="SignalType">The signal that matched (<c>pdq</c>, <c>md5</c>, <c>vpdq</c>...).</param>
/// <param name="Distance">The distance (0 for exact signals).</param>
/// <param name="Classification">The entry's classification (A1, A2, B1, B2), or null when unlabelled.</param>
/// <param name="Labels">The bank's labels.</param>
/// <param name="EntrySource">Where the entry came from (an exchange, a file, a review), or null.</param>
/// <param name="EntrySourceId">The entry's id there, or null.</param>
public sealed record CaseMatch(string Bank, long ContentId, string SignalType, int Distance, string? Classification,
    IReadOnlyList<string> Labels, string? EntrySource, string? EntrySourceId);

/// <summary>What the platform told about an item, for the reviewer and the report. Every field is optional.</summary>
public sealed record ItemContext
{
    /// <summary>The uploader's screen name.</summary>
    public string? ScreenName { get; init; }

    /// <summary>The uploader's email address.</summary>
    public string? Email { get; init; }

    /// <summary>The file's original name.</summary>
    public string? FileName { get; init; }

    /// <summary>When it was uploaded.</summary>
    public DateTimeOffset? UploadedAt { get; init; }

    /// <summary>The uploader's IP address.</summary>
    public string? Ip { get; init; }

    /// <summary>The uploader's source port.</summary>
    public int? Port { get; init; }

    /// <summary>Where it was seen: a URL or a location (a folder, a stream).</summary>
    public string? Url { get; init; }

    /// <summary>Where it was shared (chat, e-mail, a web page, ...), the report's internet details; null: a web page when <see cref="Url"/> is http(s).</summary>
    public IncidentKind? IncidentKind { get; init; }

    /// <summary>Whether it was publicly visible on the platform (the report's <c>publiclyAvailable</c>); null when unknown.</summary>
    public bool? PubliclyAvailable { get; init; }

    /// <summary>An empty context.</summary>
    public static readonly ItemContext Empty = new();
}

/// <summary>An item to add to its subject's open case (a new case when the subject has none).</summary>
public sealed record NewCaseItem
{
    /// <summary>Whose it is: the platform's user id, a device account, or a scanned folder or stream.</summary>
    public required string Subject { get; init; }

    /// <summary>Where it came from: <c>api</c>, <c>scan</c>, <c>psi</c>, <c>watch</c>, <c>classifier</c>.</summary>
    public required string Source { get; init; }

    /// <summary>Why it is in review when nothing matched (<c>user_report</c>, <c>classifier</c>, ...), or null.</summary>
    public string? Reason { get; init; }

    /// <summary>Its queue priority, 1 (most urgent) to <see cref="CasePriority.Lowest"/>, as <see cref="CasePriority.Of(IReadOnlyList{CaseMatch}, bool, string?)"/> gives it.</summary>
    public required int Priority { get; init; }

    /// <summary>Its signals (at most one per type).</summary>
    public required IReadOnlyList<Signal> Signals { get; init; }

    /// <summary>Every match that brought it in (empty for a reported or classified item).</summary>
    public IReadOnlyList<CaseMatch> Matches { get; init; } = [];

    /// <summary>Classifiers' scores of it (empty when none scored it).</summary>
    public IReadOnlyList<ItemScore> Scores { get; init; } = [];

    /// <summary>A conversation item: the messages that raised the conversation's risk (empty for media).</summary>
    public IReadOnlyList<ItemMessage> Messages { get; init; } = [];

    /// <summary>What the platform told about it.</summary>
    public ItemContext Context { get; init; } = ItemContext.Empty;

    /// <summary>Its media, sealed by the evidence vault, or null.</summary>
    public SealedMedia? Media { get; init; }

    /// <summary>Private matching: the account whose voucher revealed it, or null.</summary>
    public string? Account { get; init; }

    /// <summary>Private matching: the voucher id (an account's item per voucher is made once), or null.</summary>
    public string? VoucherId { get; init; }

    /// <summary>Private matching: the re-check of the revealed hash against the banks (<see cref="ReviewRecheck"/>), or null.</summary>
    public string? Recheck { get; init; }

    /// <summary>Private matching: the 64x64 greyscale visual derivative the voucher carried, or null.</summary>
    public byte[]? Thumbnail { get; init; }
}

/// <summary>A case: the items of one subject, and where review of them stands.</summary>
public sealed record ReviewCase
{
    /// <summary>The case's id.</summary>
    public required long Id { get; init; }

    /// <summary>Whose items these are.</summary>
    public required string Subject { get; init; }

    /// <summary>Open, decided or reported.</summary>
    public required CaseStatus Status { get; init; }

    /// <summary>The most urgent of its items' priorities (1 first).</summary>
    public required int Priority { get; init; }

    /// <summary>A reviewer escalated it (an item or the case): only senior reviewers (admin keys) claim it.</summary>
    public required bool Escalated { get; init; }

    /// <summary>How many items it has.</summary>
    public required int ItemCount { get; init; }

    /// <summary>When it was opened.</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Who holds its lease, or null.</summary>
    public string? LeaseHolder { get; init; }

    /// <summary>When the lease ends (it may have ended already), or null.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>The case verdict once given (<see cref="CaseVerdict.Report"/> or <see cref="CaseVerdict.NoReport"/>), or null.</summary>
    public CaseVerdict? Verdict { get; init; }

    /// <summary>Who gave the verdict.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>Four-eyes: the first reviewer who said report, while a second is awaited.</summary>
    public string? FirstReportBy { get; init; }

    /// <summary>The hotline's report id once filed.</summary>
    public string? ReportId { get; init; }

    /// <summary>When the report was filed.</summary>
    public DateTimeOffset? ReportedAt { get; init; }

    /// <summary>A legal hold: no purge touches the case while it is set.</summary>
    public required bool LegalHold { get; init; }

    /// <summary>When its media was purged, or null.</summary>
    public DateTimeOffset? MediaPurgedAt { get; init; }

    /// <summary>True when <paramref name="reviewer"/> holds an unexpired lease at <paramref name="now"/>.</summary>
    public bool IsLeasedTo(string reviewer, DateTimeOffset now) =>
        LeaseHolder == reviewer && LeaseExpiresAt is { } expiry && expiry > now;
}

/// <summary>An item of a case as stored.</summary>
public sealed record CaseItem
{
    /// <summary>The item's id.</summary>
    public required long Id { get; init; }

    /// <summary>Its case.</summary>
    public required long CaseId { get; init; }

    /// <summary>What it was made from (media is not here: see <see cref="HasMedia"/>).</summary>
    public required NewCaseItem Details { get; init; }

    /// <summary>True when the evidence vault holds its media (and it was not purged).</summary>
    public required bool HasMedia { get; init; }

    /// <summary>The media's content type, when there is media.</summary>
    public string? MediaType { get; init; }

    /// <summary>True when the item has a private-matching thumbnail (its only picture when it has no media).</summary>
    public required bool HasThumbnail { get; init; }

    /// <summary>The item verdict, or null while undecided.</summary>
    public ItemVerdict? Verdict { get; init; }

    /// <summary>The classification a confirmed item was given.</summary>
    public IndustryClassification? Classification { get; init; }

    /// <summary>Who decided it.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>True once a reviewer viewed its clear media (the report says the file was viewed).</summary>
    public required bool ViewedClear { get; init; }

    /// <summary>When it was added.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One decision in a case's history.</summary>
/// <param name="Id">Its id.</param>
/// <param name="CaseId">The case.</param>
/// <param name="ItemId">The item, or null for a case verdict.</param>
/// <param name="Reviewer">Who decided.</param>
/// <param name="Verdict">The verdict's name (<c>confirmed</c>, <c>not_abuse</c>, <c>escalate</c>, <c>skip</c>, <c>report</c>, <c>no_report</c>).</param>
/// <param name="Classification">For a confirmed item, its classification.</param>
/// <param name="DecidedAt">When.</param>
public sealed record CaseDecision(long Id, long CaseId, long? ItemId, string Reviewer, string Verdict, IndustryClassification? Classification,
    DateTimeOffset DecidedAt);

/// <summary>A case with its items and decisions.</summary>
/// <param name="Case">The case.</param>
/// <param name="Items">Its items in id order, each with its matches.</param>
/// <param name="Decisions">Its decisions, oldest first.</param>
public sealed record CaseDetails(ReviewCase Case, IReadOnlyList<CaseItem> Items, IReadOnlyList<CaseDecision> Decisions);

/// <summary>What adding an item did.</summary>
/// <param name="CaseId">The case it joined or opened.</param>
/// <param name="ItemId">The item's id (the existing one when a private-matching voucher's item existed already).</param>
/// <param name="NewCase">True when the case was opened for it.</param>
/// <param name="NewItem">False when the item existed already (a voucher seen by an earlier reveal).</param>
public sealed record OpenedItem(long CaseId, long ItemId, bool NewCase, bool NewItem);

/// <summary>Where in the queue a page of open cases starts: after this case in queue order.</summary>
/// <param name="Priority">The last case's priority.</param>
/// <param name="OpenedAt">Its opening time.</param>
/// <param name="Id">Its id.</param>
public sealed record QueueCursor(int Priority, DateTimeOffset OpenedAt, long Id);

/// <summary>The outcome of a decision or a lease operation.</summary>
public enum CaseChange
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>No such case, or no such item in it.</summary>
    NotFound,

    /// <summary>The reviewer does not hold the case's lease.</summary>
    NotLeased,

    /// <summary>The case is not open (decided or reported already).</summary>
    NotOpen,

    /// <summary>Four-eyes: recorded, and the case waits for a second reviewer's report verdict.</summary>
    AwaitingSecondReviewer,

    /// <summary>Four-eyes: the same reviewer cannot be the second pair of eyes.</summary>
    SameReviewer,

    /// <summary>A report needs at least one confirmed item.</summary>
    NothingConfirmed,
}

/// <summary>One reviewer's exposure to clear media on one day (UTC).</summary>
/// <param name="Reviewer">The reviewer (key name).</param>
/// <param name="Day">The UTC day.</param>
/// <param name="Seconds">Seconds of clear media on screen.</param>
/// <param name="ClearViews">Clear views served.</param>
public sealed record ReviewerExposure(string Reviewer, DateOnly Day, double Seconds, long ClearViews);

/// <summary>A reviewer's own protection settings (null: the org default).</summary>
/// <param name="BlurRadius">Blur strength in pixels of the derivative.</param>
/// <param name="Greyscale">Greyscale derivatives.</param>
/// <param name="Mute">Video muted.</param>
public sealed record ReviewerSettings(int? BlurRadius, bool? Greyscale, bool? Mute)
{
    /// <summary>All defaults.</summary>
    public static readonly ReviewerSettings Defaults = new(null, null, null);
}
