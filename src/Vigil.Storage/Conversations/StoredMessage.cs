namespace Vigil.Storage;

/// <summary>One message of a conversation a platform sent for risk scoring, as kept: who to whom, when, its text, and what the platform said of the two parties.</summary>
/// <param name="Sender">The sender's id on the platform.</param>
/// <param name="Recipient">The recipient's id.</param>
/// <param name="SentAt">When it was sent.</param>
/// <param name="Text">The text, as sent.</param>
/// <param name="SenderIsMinor">Whether the platform says the sender is a minor, or null when it does not say.</param>
/// <param name="RecipientIsMinor">Whether the platform says the recipient is a minor, or null.</param>
/// <param name="SenderAge">The sender's declared age, or null.</param>
/// <param name="RecipientAge">The recipient's declared age, or null.</param>
/// <param name="SealedText">
/// The text sealed by the evidence vault, when it is kept that way (then <paramref name="Text"/> is empty); the store keeps
/// the bytes as given and never opens them.
/// </param>
public sealed record StoredMessage(string Sender, string Recipient, DateTimeOffset SentAt, string Text,
    bool? SenderIsMinor = null, bool? RecipientIsMinor = null, int? SenderAge = null, int? RecipientAge = null, byte[]? SealedText = null);
