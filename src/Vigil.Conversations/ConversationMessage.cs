namespace Vigil.Conversations;

/// <summary>One message of a conversation, as the platform saw it.</summary>
/// <param name="Sender">The platform's id of the party who sent it.</param>
/// <param name="Recipient">The platform's id of the party it was sent to.</param>
/// <param name="Time">When it was sent.</param>
/// <param name="Text">Its text, as written.</param>
public sealed record ConversationMessage(string Sender, string Recipient, DateTimeOffset Time, string Text);
