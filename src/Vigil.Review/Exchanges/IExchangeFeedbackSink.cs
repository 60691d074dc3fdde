using Vigil.Storage;

namespace Vigil.Review.Exchanges;

/// <summary>
/// One reviewed item's verdict with the matches that brought it in (feedback to the exchanges their entries came from)
/// and, when confirmed, the bank content its signals went into (shared to the exchanges an admin shares that bank to).
/// </summary>
/// <param name="Verdict">What the reviewer decided (only <see cref="ItemVerdict.Confirmed"/> and <see cref="ItemVerdict.NotAbuse"/> say anything to an exchange).</param>
/// <param name="Matches">The item's bank matches.</param>
/// <param name="DecidedAt">When it was decided.</param>
/// <param name="ConfirmedInto">For a confirmed item: the bank and the content its signals are in; else null.</param>
public sealed record ReviewedItem(ItemVerdict Verdict, IReadOnlyList<CaseMatch> Matches, DateTimeOffset DecidedAt, ConfirmedContent? ConfirmedInto = null);

/// <summary>The bank content a confirmed item's signals are in.</summary>
/// <param name="Bank">The bank's name.</param>
/// <param name="ContentId">The content's id.</param>
public sealed record ConfirmedContent(string Bank, long ContentId);

/// <summary>
/// Where review hands decided items whose matches may have come from an exchange, or whose confirmed content may be shared to one. An implementation must
/// not send inline: it queues the feedback durably (or drops it) and returns; sending happens elsewhere.
/// </summary>
public interface IExchangeFeedbackSink
{
    /// <summary>Queues feedback for each of the matches whose entry came from an exchange, and a share of the confirmed content to each exchange its bank is shared to.</summary>
    ValueTask DecidedAsync(ReviewedItem decided, CancellationToken cancellationToken = default);
}

/// <summary>The sink when nothing is sent back to exchanges: every decision is dropped.</summary>
public sealed class NoExchangeFeedback : IExchangeFeedbackSink
{
    /// <summary>The one instance.</summary>
    public static readonly NoExchangeFeedback Instance = new();

    /// <inheritdoc/>
    public ValueTask DecidedAsync(ReviewedItem decided, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
