namespace Vigil.Classifiers;

/// <summary>
/// The five levels a vendor may answer instead of a score (as Google's Content Safety API does), and the score each
/// stands for, so that thresholds and the queue order treat both kinds of answer alike.
/// </summary>
public static class PriorityLevels
{
    /// <summary>The levels, lowest first.</summary>
    public static IReadOnlyList<string> All { get; } = ["VERY_LOW", "LOW", "MEDIUM", "HIGH", "VERY_HIGH"];

    /// <summary>The score a level stands for: 0, 0.25, 0.5, 0.75, 1; null for anything else (names are case-insensitive).</summary>
    public static double? ScoreOf(string level)
    {
        for (int i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], level, StringComparison.OrdinalIgnoreCase))
                return i / 4.0;
        }
        return null;
    }
}
