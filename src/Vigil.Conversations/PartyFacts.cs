namespace Vigil.Conversations;

/// <summary>
/// What the platform says about one party of a conversation: whether they are a minor and/or their declared age.
/// Both may be unknown; unknown facts never exclude a rule (see <see cref="RuleDirection"/>).
/// </summary>
/// <param name="IsMinor">True for a party the platform knows is under 18, false for one it knows is an adult, null if it does not say.</param>
/// <param name="DeclaredAge">The age the party declared, if any.</param>
public sealed record PartyFacts(bool? IsMinor = null, int? DeclaredAge = null)
{
    /// <summary>Nothing known.</summary>
    public static PartyFacts Unknown { get; } = new();

    /// <summary>Declared a minor: flagged as one, or a declared age under 18.</summary>
    public bool IsDeclaredMinor => IsMinor == true || DeclaredAge < 18;

    /// <summary>Declared an adult: flagged as not a minor, or a declared age of 18 or more.</summary>
    public bool IsDeclaredAdult => !IsDeclaredMinor && (IsMinor == false || DeclaredAge >= 18);

    /// <summary>These facts with the ones <paramref name="newer"/> states taking precedence (a later declaration wins).</summary>
    public PartyFacts With(PartyFacts? newer) =>
        newer is null || newer == this ? this : new PartyFacts(newer.IsMinor ?? IsMinor, newer.DeclaredAge ?? DeclaredAge);
}
