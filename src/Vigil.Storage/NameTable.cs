namespace Vigil.Storage;

/// <summary>Reads the stored name of an enum value back, given the values and the function that names them (the one home of the *Names classes' parsing).</summary>
internal static class NameTable
{
    /// <summary>The value among <paramref name="values"/> whose name is exactly <paramref name="text"/>; false for anything else.</summary>
    public static bool TryParse<T>(string? text, ReadOnlySpan<T> values, Func<T, string> name, out T value) where T : struct
    {
        foreach (var candidate in values)
        {
            if (string.Equals(text, name(candidate), StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
