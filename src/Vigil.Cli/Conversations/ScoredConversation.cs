using Vigil.Conversations;
using Vigil.Storage;

namespace Vigil.Cli.Conversations;

/// <summary>A conversation of <c>vigil text score</c>'s input: its messages as read (to show those that raised the score), its risk and, with <c>--open-cases</c>, its review item.</summary>
internal sealed class ScoredConversation(string id)
{
    public string Id { get; } = id;
    public List<ConversationMessage> Messages { get; } = [];
    public ConversationRisk? Risk { get; set; }
    public OpenedItem? Item { get; set; }
}
