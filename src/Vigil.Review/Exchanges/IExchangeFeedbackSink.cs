using Vigil.Storage;

namespace Vigil.Review.Exchanges;

/// <summary>One reviewed item's verdict with the matches that brought it in, for feedback to the exchanges their entries came from.</summary>
/// <param name="Verdict">What the reviewer decided (only <see cref="ItemVerdict.Confirmed"/> and <see cref="ItemVerdict.NotAbuse"/> say anything to an exchange).</param>
/// <param name="Matches">The item's bank matches.</param>
/// <param name="DecidedAt">When it was decided.</param>
public sealed record ReviewedMatches(ItemVerdict Verdict, IReadOnlyList<CaseMatch> Matches, DateTimeOffset DecidedAt);

/// <summary>
/// Where review hands decided items whose matches may have come from an exchange. An implementation must
/// not send inline: it queues the feedback durably (or drops it) and returns; sending happens elsewhere.
/// </summary>
public interface IExchangeFeedbackSink
{
    /// <summary>Queues feedback for each of the matches whose entry came from an exchange.</summary>
    ValueTask DecidedAsync(ReviewedMatches decided, CancellationToken cancellationToken = default);
}

/// <summary>The sink when nothing is sent back to exchanges: every decision is dropped.</summary>
public sealed class NoExchangeFeedback : IExchangeFeedbackSink
{
    /// <summary>The one instance.</summary>
    public static readonly NoExchangeFeedback Instance = new();

    /// <inheritdoc/>
    public ValueTask DecidedAsync(ReviewedMatches decided, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
