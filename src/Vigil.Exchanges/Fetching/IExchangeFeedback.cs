namespace Vigil.Exchanges.Fetching;

/// <summary>What a reviewer's decision says of an exchange's entry.</summary>
public enum ExchangeOpinion
{
    /// <summary>A reviewer confirmed content that matched the entry (an upvote, where the exchange takes one).</summary>
    Confirmed,

    /// <summary>A reviewer found content that matched the entry not to be abuse (a false positive, a downvote).</summary>
    FalsePositive,
}

/// <summary>Feedback on one entry of the exchange.</summary>
/// <param name="EntryId">The exchange's id for the entry (the bank entry's source id).</param>
/// <param name="Opinion">What the reviewer decided.</param>
/// <param name="Signals">The entry's signals, for exchanges whose feedback names the hash rather than an id.</param>
public sealed record ExchangeFeedback(string EntryId, ExchangeOpinion Opinion, IReadOnlyList<Vigil.Hashing.Signals.Signal> Signals);

/// <summary>An exchange that takes feedback on its entries (NCMEC entry feedback, StopNCII SubmitFeedback, a ThreatExchange reaction).</summary>
public interface IExchangeFeedback
{
    /// <summary>Whether the exchange takes this kind of opinion at all (some take only false positives).</summary>
    bool Accepts(ExchangeOpinion opinion);

    /// <summary>Sends one piece of feedback; the same exceptions as <see cref="IExchangeClient.FetchAsync"/>. Sending it twice is harmless.</summary>
    Task SendFeedbackAsync(ExchangeFeedback feedback, CancellationToken cancellationToken = default);
}
