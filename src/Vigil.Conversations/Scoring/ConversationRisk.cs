namespace Vigil.Conversations;

/// <summary>A conversation's risk after its latest message: a snapshot, unchanged by later messages.</summary>
/// <param name="Score">0..1; never decreases as messages are added.</param>
/// <param name="Threshold">The rule file's threshold.</param>
/// <param name="RulesVersion">The rule file's version, to trace the score to its rules.</param>
/// <param name="Messages">Messages counted so far.</param>
/// <param name="Signals">The signals raised, in rule-file order (the age gap last).</param>
/// <param name="RaisedBy">The messages that raised the score, in order.</param>
public sealed record ConversationRisk(double Score, double Threshold, string RulesVersion, int Messages,
    IReadOnlyList<RiskSignal> Signals, IReadOnlyList<RaisingMessage> RaisedBy)
{
    /// <summary>Whether the score reached the threshold: the conversation should go to human review.</summary>
    public bool PastThreshold => Score >= Threshold;
}
