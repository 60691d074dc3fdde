using Vigil.Storage;

namespace Vigil.Review.Exchanges;

/// <summary>
/// Queues exchange feedback in the store: for each match of a confirmed or not-abuse item whose bank entry
/// came from an exchange (its source is <c>exchange:NAME</c>, its source id the exchange's entry id), one piece
/// of feedback (<see cref="ExchangeFeedbackOpinion.Confirmed"/> or <see cref="ExchangeFeedbackOpinion.FalsePositive"/>);
/// and for a confirmed item's content, one <see cref="ExchangeFeedbackOpinion.Share"/> to each exchange an admin shares
/// its bank to (never back to the exchange the content came from). Entries are read from the bank, not taken from the
/// match, so an entry removed since sends nothing. Queueing is idempotent per exchange, entry and opinion: an entry
/// decided the same way twice is sent once, and content is shared to an exchange once.
/// </summary>
public sealed class StoreExchangeFeedbackSink(IContentStore content, IExchangeStore exchanges, IExchangeFeedbackStore queue) : IExchangeFeedbackSink
{
    /// <inheritdoc/>
    public async ValueTask DecidedAsync(ReviewedItem decided, CancellationToken cancellationToken = default)
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
        if (opinion == ExchangeFeedbackOpinion.Confirmed && decided.ConfirmedInto is { } confirmed)
            await ShareAsync(confirmed, decided.DecidedAt, cancellationToken);
    }

    private async Task ShareAsync(ConfirmedContent confirmed, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var shares = await exchanges.ListSharesAsync(bank: confirmed.Bank, cancellationToken: cancellationToken);
        if (shares.Count == 0)
            return;
        var entry = await content.GetContentAsync(confirmed.ContentId, cancellationToken);
        if (entry is null)
            return;
        string? cameFrom = ExchangeSources.ExchangeOf(entry.Source);
        foreach (var share in shares)
        {
            if (string.Equals(share.Exchange, cameFrom, StringComparison.Ordinal))
                continue;
            await queue.EnqueueAsync(new NewExchangeFeedback(share.Exchange, entry.Id, ExchangeFeedbackIds.Shared(entry.Id), ExchangeFeedbackOpinion.Share,
                entry.Signals, at), cancellationToken);
        }
    }
}
