namespace Vigil.Conversations;

/// <summary>
/// Which messages a rule looks at, by what the platform says about sender and recipient. A rule is skipped only when
/// the facts rule the message out: with no ages known, every direction applies, so a platform without age data still
/// gets every rule.
/// </summary>
public enum RuleDirection
{
    /// <summary>Every message (<c>"any"</c>).</summary>
    Any,

    /// <summary>Not when the sender is a declared minor (<c>"from_adult"</c>).</summary>
    FromAdult,

    /// <summary>Not when the recipient is a declared adult (<c>"to_minor"</c>).</summary>
    ToMinor,

    /// <summary>Both: not from a declared minor and not to a declared adult (<c>"adult_to_minor"</c>).</summary>
    AdultToMinor,
}
