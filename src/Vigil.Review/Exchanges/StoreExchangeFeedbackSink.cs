using Vigil.Storage;

namespace Vigil.Review.Exchanges;

/// <summary>
/// Queues exchange feedback in the store: for each match of a confirmed or not-abuse item whose bank entry
/// came from an exchange (its source is <c>exchange:NAME</c>, its source id the exchange's entry id), one piece
/// of feedback (<see cref="ExchangeFeedbackOpinion.Confirmed"/> or <see cref="ExchangeFeedbackOpinion.FalsePositive"/>).
/// The entry is read from the bank, not taken from the match, so an entry removed since the match sends nothing.
/// Queueing is idempotent per exchange, entry and opinion: an entry decided the same way twice is sent once.
/// </summary>
public sealed class StoreExchangeFeedbackSink(IContentStore content, IExchangeFeedbackStore queue) : IExchangeFeedbackSink
{
    /// <inheritdoc/>
    public async ValueTask DecidedAsync(ReviewedMatches decided, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decided);
        ExchangeFeedbackOpinion opinion;
        switch (decided.Verdict)
        {
            case ItemVerdict.Confirmed:
                opinion = ExchangeFeedbackOpinion.Confirmed;
                break;
            case ItemVerdict.NotAbuse:
                opinion = ExchangeFeedbackOpinion.FalsePositive;
                break;
            default:
                return;
        }
        HashSet<long>? seen = null;
        foreach (var match in decided.Matches)
        {
            // One entry matched by several signals is one piece of feedback.
            if (!(seen ??= []).Add(match.ContentId))
                continue;
            var entry = await content.GetContentAsync(match.ContentId, cancellationToken);
            if (entry is null || ExchangeSources.ExchangeOf(entry.Source) is not { } exchange || entry.SourceId is not { Length: > 0 } entryId)
                continue;
            await queue.EnqueueAsync(new NewExchangeFeedback(exchange, entry.Id, entryId, opinion, entry.Signals, decided.DecidedAt), cancellationToken);
        }
    }
}
