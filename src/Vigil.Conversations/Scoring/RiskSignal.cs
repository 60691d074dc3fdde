namespace Vigil.Conversations;

/// <summary>One signal a conversation raised: which rule, its weight, how often it fired and what it now contributes.</summary>
/// <param name="Id">The rule's id (or the age-gap rule's).</param>
/// <param name="Weight">The rule's weight.</param>
/// <param name="Count">Messages it fired on.</param>
/// <param name="Contribution">Its weight after the repeat bonus: the score it would give alone.</param>
/// <param name="FirstMessage">Index (0-based, in the order the messages were added) of the first message it fired on.</param>
public sealed record RiskSignal(string Id, double Weight, int Count, double Contribution, int FirstMessage);
