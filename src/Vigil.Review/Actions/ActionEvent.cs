namespace Vigil.Review.Actions;

/// <summary>What happened that action rules may act on.</summary>
public enum ActionTrigger
{
    /// <summary>A lookup or submission matched a bank (<c>when: match</c>).</summary>
    Match,

    /// <summary>A reviewer decided an item or a case (<c>when: decision</c>; the verdict says which).</summary>
    Decision,

    /// <summary>A report about the case was filed (<c>when: report_filed</c>); the event says until when the platform should keep the user's records.</summary>
    ReportFiled,

    /// <summary>A report about the case stopped on a permanent failure (<c>when: report_failed</c>); the event carries the hotline's message.</summary>
    ReportFailed,
}

/// <summary>One bank match an event carries.</summary>
/// <param name="Bank">The bank's name.</param>
/// <param name="ContentId">The bank entry's content id.</param>
/// <param name="Distance">The distance (0 for exact signals).</param>
/// <param name="Labels">The bank's labels.</param>
/// <param name="Classification">The entry's classification (A1, A2, B1, B2), or null.</param>
public sealed record ActionMatch(string Bank, long ContentId, int Distance, IReadOnlyList<string> Labels, string? Classification);

/// <summary>
/// An event for the action rules: what happened, to which case and item, with what matches. The
/// webhook body is made from it; it never carries media or the platform's user context beyond the
/// subject the platform itself gave.
/// </summary>
public sealed record ActionEvent
{
    /// <summary>What happened.</summary>
    public required ActionTrigger Trigger { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Where the media came from: <c>api</c>, <c>scan</c>, <c>psi</c>, <c>watch</c>, <c>classifier</c>, or <c>lookup</c> for a plain lookup.</summary>
    public required string Source { get; init; }

    /// <summary>The platform's subject (user id), when known.</summary>
    public string? Subject { get; init; }

    /// <summary>The case, when there is one.</summary>
    public long? CaseId { get; init; }

    /// <summary>The item, when the event is about one.</summary>
    public long? ItemId { get; init; }

    /// <summary>For decisions: <c>confirmed</c>, <c>not_abuse</c>, <c>escalate</c>, <c>skip</c> (items) or <c>report</c>, <c>no_report</c>, <c>escalate</c> (cases).</summary>
    public string? Verdict { get; init; }

    /// <summary>For confirmed items: the reviewer's classification (A1, A2, B1, B2).</summary>
    public string? Classification { get; init; }

    /// <summary>For filed reports: the hotline's report id.</summary>
    public string? ReportId { get; init; }

    /// <summary>For filed reports: until when the platform should preserve the reported user's records (the REPORT Act's year), when configured.</summary>
    public DateTimeOffset? PreserveUntil { get; init; }

    /// <summary>For failed reports: what went wrong, with the hotline's code and description where it gave them.</summary>
    public string? Error { get; init; }

    /// <summary>The bank matches involved (empty when none).</summary>
    public IReadOnlyList<ActionMatch> Matches { get; init; } = [];

    /// <summary>The query's signals (type name to value), e.g. <c>pdq</c> to 64 hex digits; never media.</summary>
    public IReadOnlyDictionary<string, string> Signals { get; init; } = new Dictionary<string, string>();
}
