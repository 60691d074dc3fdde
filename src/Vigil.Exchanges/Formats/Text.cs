namespace Vigil.Exchanges.Formats;

/// <summary>Small helpers for quoting file content in error messages.</summary>
internal static class Text
{
    private const int MaxQuotedLength = 60;

    /// <summary><paramref name="value"/> cut to a readable length, for an error message.</summary>
    public static string Shorten(ReadOnlySpan<char> value) =>
        value.Length <= MaxQuotedLength ? value.ToString() : string.Concat(value[..MaxQuotedLength], "...");

    public static string KnownSignalTypes => string.Join(", ", Vigil.Hashing.Signals.SignalType.All.Select(t => t.Name));
}
