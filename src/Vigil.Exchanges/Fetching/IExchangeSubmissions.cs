using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Fetching;

/// <summary>The platform's own hashes to share: the signals of one piece of content a reviewer confirmed.</summary>
/// <param name="Id">The platform's id for it (the queue's entry id), for errors and logs.</param>
/// <param name="Signals">Its signals; an exchange submits those of the types it takes and ignores the rest.</param>
/// <param name="SubmittedAt">When it is submitted (the records' modification time, where the exchange asks for one).</param>
public sealed record ExchangeSubmission(string Id, IReadOnlyList<Signal> Signals, DateTimeOffset SubmittedAt);

/// <summary>An exchange that takes hashes from the platforms that use it (StopNCII's <c>SubmitHashes</c>).</summary>
public interface IExchangeSubmissions
{
    /// <summary>Whether the exchange takes signals of this type.</summary>
    bool Takes(SignalType type);

    /// <summary>
    /// Submits the submission's signals of the types the exchange takes; the same exceptions as <see cref="IExchangeClient.FetchAsync"/>,
    /// and <see cref="ArgumentException"/> when it has none of them. Submitting one twice is harmless.
    /// </summary>
    Task SubmitAsync(ExchangeSubmission submission, CancellationToken cancellationToken = default);
}
