namespace Vigil.Storage;

/// <summary>
/// The exchange feedback queue: review decisions on entries that came from an exchange, waiting to be
/// sent back to it. Queueing is idempotent per (exchange, entry, opinion), so one entry decided the same
/// way twice is sent once. Claims carry a lease, so two senders (replicas on one PostgreSQL database)
/// never send one piece at once, and a sender that died leaves its claims to be taken again when the lease ends.
/// </summary>
/// <remarks>At <see cref="IVigilStore.ExchangeFeedback"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IExchangeFeedbackStore
{
    /// <summary>
    /// Queues feedback, pending and due at its <see cref="NewExchangeFeedback.CreatedAt"/>; returns its id, or null when
    /// that exchange's entry already has feedback of that opinion (whatever its status: it is not queued again).
    /// </summary>
    Task<long?> EnqueueAsync(NewExchangeFeedback feedback, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> pending pieces due at <paramref name="now"/> that no one holds (or whose
    /// lease has lapsed), oldest due first, for <paramref name="lease"/>.
    /// </summary>
    Task<IReadOnlyList<ClaimedExchangeFeedback>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an attempt of a claimed piece and releases the claim; false (nothing written) when the claim is
    /// no longer the holder's (the lease lapsed and another took it).
    /// </summary>
    Task<bool> RecordAttemptAsync(ClaimedExchangeFeedback claim, ExchangeFeedbackAttempt attempt, CancellationToken cancellationToken = default);

    /// <summary>The queue by id after <paramref name="afterId"/>: one exchange's or every exchange's (null).</summary>
    Task<IReadOnlyList<ExchangeFeedbackItem>> ListAsync(string? exchange, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every piece of feedback on one entry of one exchange, by id.</summary>
    Task<IReadOnlyList<ExchangeFeedbackItem>> ListForEntryAsync(string exchange, string entryId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends one exchange's dead feedback again (once its credentials are fixed, say): pending and due at
    /// <paramref name="now"/>, its attempts and last error kept. Returns how many.
    /// </summary>
    Task<int> RetryDeadAsync(string exchange, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>One piece, or null.</summary>
    Task<ExchangeFeedbackItem?> GetAsync(long id, CancellationToken cancellationToken = default);
}
