namespace Vigil.Storage;

/// <summary>
/// The action outbox: deliveries of events to webhook targets, written when a rule wants an event
/// and sent later by a dispatcher. Claims carry a lease, so two dispatchers (replicas on one
/// PostgreSQL database) never send one delivery at once, and a dispatcher that died leaves its
/// claims to be taken again when the lease ends.
/// </summary>
/// <remarks>Part of <see cref="IVigilStore"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IActionOutboxStore
{
    /// <summary>Records deliveries, pending and due at once; returns their ids in order. All or none.</summary>
    Task<IReadOnlyList<long>> AddActionDeliveriesAsync(IReadOnlyList<NewActionDelivery> deliveries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> pending deliveries due at <paramref name="now"/> that no
    /// one holds (or whose lease has lapsed), oldest due first, for <paramref name="lease"/>.
    /// </summary>
    Task<IReadOnlyList<ClaimedActionDelivery>> ClaimDueActionDeliveriesAsync(DateTimeOffset now, TimeSpan lease, int limit,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an attempt of a claimed delivery and releases the claim; false (nothing written) when
    /// the claim is no longer the holder's (the lease lapsed and another took it, or an operator changed it).
    /// </summary>
    Task<bool> RecordActionAttemptAsync(ClaimedActionDelivery claim, ActionAttempt attempt, CancellationToken cancellationToken = default);

    /// <summary>Deliveries by id after <paramref name="afterId"/>, of one status or all (null).</summary>
    Task<IReadOnlyList<ActionDelivery>> ListActionDeliveriesAsync(ActionDeliveryStatus? status, long afterId, int limit,
        CancellationToken cancellationToken = default);

    /// <summary>One delivery, or null.</summary>
    Task<ActionDelivery?> GetActionDeliveryAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a dead delivery again: pending, due at <paramref name="now"/>, given up at
    /// <paramref name="giveUpAt"/>. False when there is no dead delivery of that id.
    /// </summary>
    Task<bool> RetryActionDeliveryAsync(long id, DateTimeOffset now, DateTimeOffset giveUpAt, CancellationToken cancellationToken = default);
}
