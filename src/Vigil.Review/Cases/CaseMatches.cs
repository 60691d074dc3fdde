using Vigil.Banks;
using Vigil.Storage;

namespace Vigil.Review.Cases;

/// <summary>Turns the matcher's answers into the matches a case item records.</summary>
public static class CaseMatches
{
    /// <summary>The recorded form of a bank match (its content, when the matcher loaded it, gives classification and provenance).</summary>
    public static CaseMatch From(BankMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        return new CaseMatch(match.Bank.Name, match.ContentId, match.Signal.Name, match.Distance, match.Content?.Classification,
            match.Bank.Labels, NullIfEmpty(match.Content?.Source), match.Content?.SourceId);
    }

    /// <summary>The recorded forms of a query's matches (negative banks' matches are not evidence and are left out).</summary>
    public static List<CaseMatch> From(IReadOnlyList<BankMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        var list = new List<CaseMatch>(matches.Count);
        foreach (var match in matches)
        {
            if (!match.Bank.IsNegative)
                list.Add(From(match));
        }
        return list;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
