using System.Collections.Concurrent;

namespace Vigil.Conversations;

/// <summary>
/// Scores conversations message by message against a <see cref="RiskRules"/> file, keeping each conversation's state
/// (by the platform's conversation id) until <see cref="Forget"/>. Safe to call from many threads at once; messages of
/// one conversation are counted one at a time, in the order the calls arrive.
/// <para>
/// The score is 1 - the product over the distinct signals raised of (1 - weight)^(1 + repeat_bonus x min(count - 1,
/// max_repeats)): each distinct indicator multiplies the remaining "not risky" share down, repeats of one add a capped
/// bonus, so one weak signal stays below the threshold however often it fires while several distinct ones pass it.
/// Scores do not decay: grooming unfolds over days or weeks and a reviewer needs it whole; a platform that wants a
/// window forgets the conversation and starts again.
/// </para>
/// </summary>
public sealed class ConversationRiskScorer
{
    private readonly ConcurrentDictionary<string, ConversationState> _conversations = new(StringComparer.Ordinal);
    private readonly Func<string, ConversationState> _newState;

    /// <summary>A scorer with <paramref name="rules"/> (<see cref="RiskRules.Default"/> if null) and, optionally, a text model as one more signal.</summary>
    public ConversationRiskScorer(RiskRules? rules = null, MessageModelSignal? model = null)
    {
        model?.Validate();
        Rules = rules ?? RiskRules.Default;
        Model = model;
        _newState = _ => new ConversationState(Rules, Model);
    }

    /// <summary>The rules in use.</summary>
    public RiskRules Rules { get; }

    /// <summary>The text model counted as one more signal, or null.</summary>
    public MessageModelSignal? Model { get; }

    /// <summary>Conversations with state kept.</summary>
    public int Conversations => _conversations.Count;

    /// <summary>
    /// Counts <paramref name="message"/> in conversation <paramref name="conversationId"/> and returns its risk so far.
    /// Facts given for a party are remembered for the rest of the conversation (newer facts win); null means "nothing new".
    /// </summary>
    public ConversationRisk Add(string conversationId, ConversationMessage message, PartyFacts? senderFacts = null, PartyFacts? recipientFacts = null)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(message.Text);
        var state = _conversations.GetOrAdd(conversationId, _newState);
        lock (state)
            return state.Add(message, senderFacts, recipientFacts);
    }

    /// <summary>The risk of a conversation so far, or null if none of its messages were added (or it was forgotten).</summary>
    public ConversationRisk? Current(string conversationId)
    {
        if (!_conversations.TryGetValue(conversationId, out var state))
            return null;
        lock (state)
            return state.Current();
    }

    /// <summary>Drops a conversation's state (closed, decided, or past the platform's window); false if there was none.</summary>
    public bool Forget(string conversationId) => _conversations.TryRemove(conversationId, out _);
}
