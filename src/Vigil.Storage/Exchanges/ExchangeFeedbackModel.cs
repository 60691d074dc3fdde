using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>What the queue sends an exchange: a review decision on one of its entries, or a hash of the platform's own to share.</summary>
public enum ExchangeFeedbackOpinion
{
    /// <summary>A reviewer confirmed content that matched the entry (stored <c>confirmed</c>).</summary>
    Confirmed,

    /// <summary>A reviewer found content that matched the entry not to be abuse (stored <c>false_positive</c>).</summary>
    FalsePositive,

    /// <summary>
    /// Content a reviewer confirmed into a bank an admin shares to the exchange, submitted as a new hash (stored <c>share</c>);
    /// its entry id is <see cref="ExchangeFeedbackIds.Shared"/> of the content, as the exchange gives the platform's own hashes no id.
    /// </summary>
    Share,
}

/// <summary>The entry ids the feedback queue keeps for what has no id at the exchange.</summary>
public static class ExchangeFeedbackIds
{
    /// <summary>The entry id of a share of bank content <paramref name="contentId"/>: <c>content:ID</c> (one share per exchange and content).</summary>
    public static string Shared(long contentId) => "content:" + contentId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Where a piece of exchange feedback stands.</summary>
public enum ExchangeFeedbackStatus
{
    /// <summary>Not sent yet: due at <see cref="ExchangeFeedbackItem.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>The exchange took it.</summary>
    Sent,

    /// <summary>Not sent and not to be tried again (refused credentials, an exchange that takes no such feedback); <see cref="ExchangeFeedbackItem.LastError"/> says why.</summary>
    Dead,
}

/// <summary>Feedback to queue: one opinion on one entry of one exchange (or one share of the platform's own content).</summary>
/// <param name="Exchange">The exchange's name (the entry's source is <c>exchange:NAME</c>).</param>
/// <param name="ContentId">The bank content the entry became.</param>
/// <param name="EntryId">The exchange's id for the entry (the content's source id).</param>
/// <param name="Opinion">What the reviewer decided.</param>
/// <param name="Signals">The entry's signals, for exchanges whose feedback names the hash rather than an id.</param>
/// <param name="CreatedAt">When it was decided (it is due at once).</param>
public sealed record NewExchangeFeedback(string Exchange, long ContentId, string EntryId, ExchangeFeedbackOpinion Opinion,
    IReadOnlyList<Signal> Signals, DateTimeOffset CreatedAt);

/// <summary>One piece of feedback in the queue.</summary>
public sealed record ExchangeFeedbackItem
{
    /// <summary>Its id (ascending in the order they were queued).</summary>
    public required long Id { get; init; }

    /// <summary>The exchange's name.</summary>
    public required string Exchange { get; init; }

    /// <summary>The bank content the entry became.</summary>
    public required long ContentId { get; init; }

    /// <summary>The exchange's id for the entry.</summary>
    public required string EntryId { get; init; }

    /// <summary>What the reviewer decided.</summary>
    public required ExchangeFeedbackOpinion Opinion { get; init; }

    /// <summary>The entry's signals.</summary>
    public required IReadOnlyList<Signal> Signals { get; init; }

    /// <summary>Where it stands.</summary>
    public required ExchangeFeedbackStatus Status { get; init; }

    /// <summary>How many times it was tried.</summary>
    public required int Attempts { get; init; }

    /// <summary>When it is next due (for pending feedback).</summary>
    public required DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>What went wrong on the last attempt (or why it is dead), or null.</summary>
    public string? LastError { get; init; }

    /// <summary>When it was queued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the exchange took it, or null.</summary>
    public DateTimeOffset? SentAt { get; init; }
}

/// <summary>Feedback claimed for sending: only the holder of <see cref="Lease"/> may record its attempt, until the lease ends.</summary>
/// <param name="Feedback">The feedback as claimed.</param>
/// <param name="Lease">The claim's token.</param>
/// <param name="LeaseUntil">When the claim lapses and another sender may take it.</param>
public sealed record ClaimedExchangeFeedback(ExchangeFeedbackItem Feedback, string Lease, DateTimeOffset LeaseUntil);

/// <summary>What one attempt to send feedback came to.</summary>
/// <param name="Status">The new status: <see cref="ExchangeFeedbackStatus.Sent"/>, <see cref="ExchangeFeedbackStatus.Pending"/> (to try again at <paramref name="NextAttemptAt"/>) or <see cref="ExchangeFeedbackStatus.Dead"/>.</param>
/// <param name="At">When the attempt ended.</param>
/// <param name="Error">What went wrong, or null.</param>
/// <param name="NextAttemptAt">For pending: when to try again.</param>
public sealed record ExchangeFeedbackAttempt(ExchangeFeedbackStatus Status, DateTimeOffset At, string? Error, DateTimeOffset? NextAttemptAt = null);
