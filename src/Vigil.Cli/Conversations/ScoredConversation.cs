using Vigil.Conversations;

namespace Vigil.Cli.Conversations;

/// <summary>A conversation of <c>vigil text score</c>'s input: its messages as read (to show those that raised the score) and its risk.</summary>
internal sealed class ScoredConversation(string id)
{
    public string Id { get; } = id;
    public List<ConversationMessage> Messages { get; } = [];
    public ConversationRisk? Risk { get; set; }
}
