namespace Vigil.Conversations;

/// <summary>
/// The adult-minor age-gap signal: an adult (declared 18 or over, or not declared a minor while the recipient is) sends
/// a message to a declared minor at least <see cref="MinYears"/> younger. An adult whose age is not declared counts as 18, a minor whose age is not declared as 17 (the smallest gap either could mean).
/// It is a fact about the parties, not a behaviour, so it counts once per conversation (no repeat bonus).
/// </summary>
/// <param name="Id">The signal's name, as reported.</param>
/// <param name="Description">What it means, for reviewers.</param>
/// <param name="Weight">How much it raises the risk, 0..1.</param>
/// <param name="MinYears">The smallest age gap, in years, that raises it.</param>
public sealed record AgeGapRule(string Id, string Description, double Weight, int MinYears)
{
    /// <summary>Whether a message from <paramref name="sender"/> to <paramref name="recipient"/> raises the signal.</summary>
    internal bool Fires(PartyFacts sender, PartyFacts recipient)
    {
        if (!recipient.IsDeclaredMinor || sender.IsDeclaredMinor)
            return false;
        // Not declared a minor while the recipient is: an adult for this rule, of the lowest adult age if undeclared.
        int senderAge = sender.DeclaredAge ?? 18;
        int? recipientAge = recipient.DeclaredAge;
        int gap = recipientAge is int age ? senderAge - age : senderAge - 17;
        return gap >= MinYears;
    }
}
