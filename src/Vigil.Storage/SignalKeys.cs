using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>
/// The short key signals are indexed by: the value's first 16 hex digits as a signed 64-bit
/// integer. Hash values are uniformly random, so the key is as selective as the whole value while
/// an index entry is a quarter of the size, and random inserts into the index (every import) touch
/// and rewrite a quarter as many pages. Lookups compare the full value after the key. A value that
/// is not hex (a vPDQ text form) is keyed by the first 8 bytes of its SHA-256 instead.
/// </summary>
internal static class SignalKeys
{
    /// <summary>The key of a canonical signal value.</summary>
    public static long Of(Signal signal)
    {
        if (!signal.Type.IsHex)
            return OfText(signal.Value);
        return unchecked((long)ulong.Parse(signal.Value.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
    }

    private static long OfText(string value)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), digest);
        return BinaryPrimitives.ReadInt64BigEndian(digest);
    }
}
