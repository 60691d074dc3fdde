namespace Vigil.Storage;

/// <summary>How bank content names the exchange it came from: its source is <c>exchange:NAME</c> and its source id is the exchange's id for the entry.</summary>
public static class ExchangeSources
{
    /// <summary>What every exchange source starts with.</summary>
    public const string Prefix = "exchange:";

    /// <summary>The source of content from exchange <paramref name="exchange"/>.</summary>
    public static string Of(string exchange) => Prefix + exchange;

    /// <summary>The exchange a content source names, or null when the content did not come from an exchange.</summary>
    public static string? ExchangeOf(string? source) =>
        source is { Length: > 0 } s && s.StartsWith(Prefix, StringComparison.Ordinal) && s.Length > Prefix.Length ? s[Prefix.Length..] : null;
}
