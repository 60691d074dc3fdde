namespace Vigil.Storage;

/// <summary>A message a conversation item shows its reviewer: one that raised the conversation's risk, with the signals it raised.</summary>
/// <param name="Index">Its place in the conversation (0 is the first message).</param>
/// <param name="Sender">Who sent it.</param>
/// <param name="Recipient">To whom.</param>
/// <param name="SentAt">When.</param>
/// <param name="Text">The text, as sent (text is not media: it is shown as is).</param>
/// <param name="Signals">The signals it raised.</param>
public sealed record ItemMessage(int Index, string Sender, string Recipient, DateTimeOffset SentAt, string Text, IReadOnlyList<string> Signals);
