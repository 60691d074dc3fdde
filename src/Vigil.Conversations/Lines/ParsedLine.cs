namespace Vigil.Conversations;

/// <summary>A line that was read and checked: every required field present.</summary>
internal sealed record ParsedLine(int LineNumber, string Conversation, ConversationMessage Message, PartyFacts? SenderFacts, PartyFacts? RecipientFacts, string? Label);
