using System.Globalization;
using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>
/// The short key signals are indexed by: the value's first 16 hex digits as a signed 64-bit
/// integer. Hash values are uniformly random, so the key is as selective as the whole value while
/// an index entry is a quarter of the size, and random inserts into the index (every import) touch
/// and rewrite a quarter as many pages. Lookups compare the full value after the key.
/// </summary>
internal static class SignalKeys
{
    /// <summary>The key of a canonical signal value (at least 16 hex digits, as every signal type has).</summary>
    public static long Of(Signal signal) =>
        unchecked((long)ulong.Parse(signal.Value.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
}
