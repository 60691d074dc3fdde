namespace Vigil.Storage;

/// <summary>
/// Conversations sent for risk scoring (<c>POST /v1/conversations/ID/messages</c>): their messages in order, so the
/// risk is recomputed from the whole conversation on any replica after any restart, and which review item each opened.
/// </summary>
public interface IConversationStore
{
    /// <summary>Most messages one conversation keeps; later ones are refused (<see cref="StoreException"/>).</summary>
    const int MaxMessages = 10_000;

    /// <summary>Appends <paramref name="messages"/> to the conversation, in order, and returns how many it now holds.</summary>
    /// <exception cref="StoreException">The conversation would hold more than <see cref="MaxMessages"/>.</exception>
    Task<int> AppendMessagesAsync(string conversation, IReadOnlyList<StoredMessage> messages, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The conversation's messages, oldest first (empty for an unknown one).</summary>
    Task<IReadOnlyList<StoredMessage>> ReadMessagesAsync(string conversation, CancellationToken cancellationToken = default);

    /// <summary>How long a claim may wait for its item before another caller may take it over (its caller failed).</summary>
    public static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Claims the conversation's review item: true for exactly one caller, who then opens the item and records it with
    /// <see cref="SetItemAsync"/>; false when it was claimed before (its item is <see cref="GetItemAsync"/>'s), unless that
    /// claim is older than <see cref="StaleClaim"/> with no item recorded: then it is this caller's.
    /// </summary>
    Task<bool> TryClaimItemAsync(string conversation, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records the review item the conversation opened.</summary>
    Task SetItemAsync(string conversation, long caseId, long itemId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The case and item the conversation opened, or null when none (yet).</summary>
    Task<(long CaseId, long ItemId)?> GetItemAsync(string conversation, CancellationToken cancellationToken = default);
}
