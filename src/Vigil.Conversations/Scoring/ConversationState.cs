namespace Vigil.Conversations;

/// <summary>
/// One conversation's running state: what is known of each party, how often each signal fired, and the messages that
/// raised the score. Not thread-safe by itself; <see cref="ConversationRiskScorer"/> locks it.
/// </summary>
internal sealed class ConversationState
{
    private readonly RiskRules _rules;
    private readonly MessageModelSignal? _model;
    // Index i < rules.Count is rule i; then the age gap's slot, then the text model's.
    private readonly int[] _counts;
    private readonly int[] _firstMessage;
    private readonly Dictionary<string, PartyFacts> _parties = new(2, StringComparer.Ordinal);
    private readonly List<RaisingMessage> _raisedBy = [];
    private int _messages;
    private double _score;
    private ConversationRisk? _snapshot;

    public ConversationState(RiskRules rules, MessageModelSignal? model = null)
    {
        _rules = rules;
        _model = model;
        _counts = new int[rules.Rules.Count + 2];
        _firstMessage = new int[rules.Rules.Count + 2];
    }

    private int ModelSlot => _rules.Rules.Count + 1;

    public ConversationRisk Add(ConversationMessage message, PartyFacts? senderFacts, PartyFacts? recipientFacts)
    {
        var sender = Remember(message.Sender, senderFacts);
        var recipient = Remember(message.Recipient, recipientFacts);
        int index = _messages++;
        string[]? fired = null;
        int firedCount = 0;
        var rules = _rules.Rules;
        for (int i = 0; i < rules.Count; i++)
        {
            if (rules[i].Fires(message.Text, sender, recipient))
                Count(i, rules[i].Id, index, ref fired, ref firedCount);
        }
        if (_rules.AgeGap is { } gap && _counts[rules.Count] == 0 && gap.Fires(sender, recipient))
            Count(rules.Count, gap.Id, index, ref fired, ref firedCount);
        if (_model is { } model && model.Score(message.Text) >= model.FiresAt)
            Count(ModelSlot, model.Id, index, ref fired, ref firedCount);

        if (firedCount > 0)
        {
            double score = ComputeScore();
            if (score > _score)
            {
                _score = score;
                _raisedBy.Add(new RaisingMessage(index, message.Time, firedCount == fired!.Length ? fired : fired[..firedCount], score));
            }
            _snapshot = null;
        }
        else if (_snapshot is not null)
        {
            // Only the message count changed.
            _snapshot = _snapshot with { Messages = _messages };
        }
        return _snapshot ??= Snapshot();
    }

    public ConversationRisk Current() => _snapshot ??= Snapshot();

    private void Count(int slot, string id, int index, ref string[]? fired, ref int firedCount)
    {
        if (_counts[slot]++ == 0)
            _firstMessage[slot] = index;
        fired ??= new string[_counts.Length];
        fired[firedCount++] = id;
    }

    private PartyFacts Remember(string party, PartyFacts? facts)
    {
        if (_parties.TryGetValue(party, out var known))
        {
            var merged = known.With(facts);
            if (!ReferenceEquals(merged, known))
                _parties[party] = merged;
            return merged;
        }
        var first = facts ?? PartyFacts.Unknown;
        _parties[party] = first;
        return first;
    }

    /// <summary>1 - the product over raised signals of (1 - weight)^(1 + bonus x counted repeats): see docs/conversations.md.</summary>
    private double ComputeScore()
    {
        double remaining = 1;
        var rules = _rules.Rules;
        for (int i = 0; i < rules.Count; i++)
        {
            if (_counts[i] > 0)
                remaining *= 1 - Contribution(rules[i].Weight, _counts[i]);
        }
        if (_rules.AgeGap is { } gap && _counts[rules.Count] > 0)
            remaining *= 1 - gap.Weight;
        if (_model is { } model && _counts[ModelSlot] > 0)
            remaining *= 1 - Contribution(model.Weight, _counts[ModelSlot]);
        return Math.Clamp(1 - remaining, 0, 1);
    }

    private double Contribution(double weight, int count)
    {
        int repeats = Math.Min(count - 1, _rules.MaxRepeats);
        return 1 - Math.Pow(1 - weight, 1 + _rules.RepeatBonus * repeats);
    }

    private ConversationRisk Snapshot()
    {
        var signals = new List<RiskSignal>();
        var rules = _rules.Rules;
        for (int i = 0; i < rules.Count; i++)
        {
            if (_counts[i] > 0)
                signals.Add(new RiskSignal(rules[i].Id, rules[i].Weight, _counts[i], Contribution(rules[i].Weight, _counts[i]), _firstMessage[i]));
        }
        if (_rules.AgeGap is { } gap && _counts[rules.Count] > 0)
            signals.Add(new RiskSignal(gap.Id, gap.Weight, 1, gap.Weight, _firstMessage[rules.Count]));
        if (_model is { } model && _counts[ModelSlot] > 0)
            signals.Add(new RiskSignal(model.Id, model.Weight, _counts[ModelSlot], Contribution(model.Weight, _counts[ModelSlot]), _firstMessage[ModelSlot]));
        return new ConversationRisk(_score, _rules.Threshold, _rules.Version, _messages, signals, [.. _raisedBy]);
    }
}
