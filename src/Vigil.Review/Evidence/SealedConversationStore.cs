using Vigil.Storage;

namespace Vigil.Review.Evidence;

/// <summary>
/// The conversation store with every message's text sealed by the evidence vault before it is stored
/// (<see cref="SealedText"/>, one data key per message) and opened in memory when read, so the platform's messages are
/// never kept in clear. Rows stored in clear before the vault was configured read as they are; who sent what to whom,
/// when, and the parties' declared ages stay in clear (the queue and retention need them).
/// </summary>
public sealed class SealedConversationStore(IConversationStore inner, IMediaVault vault) : IConversationStore
{
    /// <inheritdoc/>
    public Task<int> AppendMessagesAsync(string conversation, IReadOnlyList<StoredMessage> messages, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sealedMessages = new StoredMessage[messages.Count];
        for (int i = 0; i < messages.Count; i++)
            sealedMessages[i] = messages[i] with { Text = "", SealedText = SealedText.Seal(vault, messages[i].Text) };
        return inner.AppendMessagesAsync(conversation, sealedMessages, now, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A message was sealed under another master key, or altered.</exception>
    public async Task<IReadOnlyList<StoredMessage>> ReadMessagesAsync(string conversation, CancellationToken cancellationToken = default)
    {
        var stored = await inner.ReadMessagesAsync(conversation, cancellationToken);
        var opened = new StoredMessage[stored.Count];
        for (int i = 0; i < stored.Count; i++)
            opened[i] = stored[i].SealedText is { } sealedText ? stored[i] with { Text = SealedText.Open(vault, sealedText), SealedText = null } : stored[i];
        return opened;
    }

    /// <inheritdoc/>
    public Task<bool> TryClaimItemAsync(string conversation, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.TryClaimItemAsync(conversation, now, cancellationToken);

    /// <inheritdoc/>
    public Task SetItemAsync(string conversation, long caseId, long itemId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.SetItemAsync(conversation, caseId, itemId, now, cancellationToken);

    /// <inheritdoc/>
    public Task<(long CaseId, long ItemId)?> GetItemAsync(string conversation, CancellationToken cancellationToken = default) =>
        inner.GetItemAsync(conversation, cancellationToken);
}
