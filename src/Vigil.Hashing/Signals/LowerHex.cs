namespace Vigil.Hashing.Signals;

/// <summary>The canonical text of hashes and ids across Vigil: lowercase hexadecimal of a fixed length.</summary>
public static class LowerHex
{
    /// <summary>True when <paramref name="value"/> is exactly <paramref name="length"/> characters of 0-9 and a-f.</summary>
    public static bool Is(string? value, int length)
    {
        if (value is null || value.Length != length)
            return false;
        foreach (char c in value)
        {
            if (!char.IsAsciiHexDigitLower(c))
                return false;
        }
        return true;
    }
}
