namespace Vigil.Video;

/// <summary>What a robust video query came to (<see cref="VideoMatchRule.MatchRobustAsync"/>): the outcome answered, and which frames found it.</summary>
/// <param name="Outcome">The rule's outcome: of the plain frames, or of the trimmed ones when only they matched.</param>
/// <param name="Variant"><see cref="Trimmed"/> when the trimmed frames' outcome is the answer; null for the plain frames'.</param>
public sealed record RobustVideoOutcome(VideoMatchOutcome Outcome, string? Variant)
{
    /// <summary>The variant name of frames hashed with their borders trimmed, as robust image matches name theirs.</summary>
    public const string Trimmed = "trimmed";
}
