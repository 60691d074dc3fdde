using System.Buffers.Binary;
using Vigil.Hashing.Pdq;

namespace Vigil.Video.Guard;

/// <summary>
/// The list shipped to a device for <c>vigil guard</c>: PDQ hashes only, compact and signed. Layout: the magic
/// <c>VGL1</c>, the count (uint32, little-endian), the hashes (32 bytes each, sorted, no duplicates), then an Ed25519
/// signature (64 bytes) of everything before it, by the private-matching manifest's signing key. The device checks the
/// signature at start and refuses a list that does not verify.
/// </summary>
public static class PackedPdqList
{
    /// <summary>The file's first four bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "VGL1"u8;

    private const int SignatureSize = 64;

    /// <summary>Most hashes a list may hold (32 MB of hashes).</summary>
    public const int MaxHashes = 1 << 20;

    /// <summary>Whether <paramref name="file"/> starts like a packed list.</summary>
    public static bool IsPacked(ReadOnlySpan<byte> file) => file.StartsWith(Magic);

    /// <summary>The packed, signed list of <paramref name="hashes"/> (sorted, duplicates dropped); <paramref name="sign"/> signs the bytes before the signature.</summary>
    public static byte[] Pack(IEnumerable<PdqHash> hashes, Func<byte[], byte[]> sign)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        ArgumentNullException.ThrowIfNull(sign);
        var unique = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var hash in hashes)
            unique.Add(hash.ToString());
        if (unique.Count > MaxHashes)
            throw new ArgumentException($"a device list holds at most {MaxHashes:N0} hashes, not {unique.Count:N0}", nameof(hashes));
        var body = new byte[Magic.Length + 4 + (32 * unique.Count)];
        Magic.CopyTo(body);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(Magic.Length), (uint)unique.Count);
        int at = Magic.Length + 4;
        foreach (string hex in unique)
        {
            Convert.FromHexString(hex).CopyTo(body, at);
            at += 32;
        }
        byte[] signature = sign(body);
        if (signature.Length != SignatureSize)
            throw new ArgumentException($"a signature is {SignatureSize} bytes, not {signature.Length}", nameof(sign));
        return [.. body, .. signature];
    }

    /// <summary>The hashes of a packed list whose signature <paramref name="verify"/> (message, signature) accepts.</summary>
    /// <exception cref="FormatException">Not a packed list, truncated, or its signature does not verify (the message says which).</exception>
    public static IReadOnlyList<PdqHash> Unpack(ReadOnlySpan<byte> file, Func<byte[], byte[], bool> verify)
    {
        ArgumentNullException.ThrowIfNull(verify);
        if (!IsPacked(file))
            throw new FormatException("not a packed guard list (no VGL1 header)");
        if (file.Length < Magic.Length + 4 + SignatureSize)
            throw new FormatException("the packed list is truncated");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(file[Magic.Length..]);
        long expected = Magic.Length + 4 + (32L * count) + SignatureSize;
        if (count > MaxHashes || file.Length != expected)
            throw new FormatException($"the packed list says {count:N0} hashes but holds {file.Length:N0} bytes, not {expected:N0}");
        int bodyLength = file.Length - SignatureSize;
        if (!verify(file[..bodyLength].ToArray(), file[bodyLength..].ToArray()))
            throw new FormatException("the packed list's signature does not verify: it was not signed by this key, or it was changed");
        var hashes = new List<PdqHash>((int)count);
        for (int at = Magic.Length + 4; at < bodyLength; at += 32)
            hashes.Add(PdqHash.Parse(Convert.ToHexStringLower(file.Slice(at, 32))));
        return hashes;
    }
}
