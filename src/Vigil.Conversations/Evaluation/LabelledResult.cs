namespace Vigil.Conversations;

/// <summary>A scored conversation of the corpus with its label.</summary>
internal sealed record LabelledResult(string Conversation, bool IsGrooming, ConversationRisk Risk);
