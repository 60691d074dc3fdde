using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Privacy.Crypto;
using Vigil.Storage;

namespace Vigil.Server.Audit;

/// <summary>
/// A signed statement that the audit log's entry <paramref name="Seq"/> had hash <paramref name="Head"/>
/// at <paramref name="At"/>: kept outside the database, it makes a rewritten chain detectable, since
/// whoever rewrites entry N must change the hash of every entry after it, and cannot sign the new heads.
/// </summary>
/// <param name="Seq">The entry's sequence number.</param>
/// <param name="Head">The entry's hash (lowercase hex).</param>
/// <param name="At">When the checkpoint was signed (UTC).</param>
/// <param name="Key">The signer's Ed25519 public key (lowercase hex).</param>
/// <param name="Signature">Ed25519 over <see cref="SignedBytes"/> (lowercase hex).</param>
public sealed record AuditCheckpoint(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("head")] string Head,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("signature")] string Signature)
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("vigil-audit-checkpoint-v1");

    /// <summary>Signs the head <paramref name="entry"/> with <paramref name="key"/>.</summary>
    public static AuditCheckpoint Sign(AuditEntry entry, AuditSigningKey key, DateTimeOffset at)
    {
        var signature = key.Sign(SignedBytes(entry.Seq, entry.Hash, at));
        return new AuditCheckpoint(entry.Seq, entry.Hash, at, Convert.ToHexStringLower(key.PublicKey), Convert.ToHexStringLower(signature));
    }

    /// <summary>
    /// The signed message: the ASCII domain tag <c>vigil-audit-checkpoint-v1</c>, the sequence number
    /// (8 bytes, big-endian), the time in microseconds since 1970 (8 bytes, big-endian), then the head's
    /// 64 ASCII hex digits.
    /// </summary>
    public static byte[] SignedBytes(long seq, string head, DateTimeOffset at)
    {
        var bytes = new byte[Domain.Length + 16 + head.Length];
        Domain.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(Domain.Length), seq);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(Domain.Length + 8), (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);
        Encoding.ASCII.GetBytes(head, bytes.AsSpan(Domain.Length + 16));
        return bytes;
    }

    /// <summary>Whether the signature is valid under <paramref name="publicKey"/> (the pinned key, not the one the checkpoint names).</summary>
    public bool IsSignedBy(ReadOnlySpan<byte> publicKey)
    {
        if (!LowerHexBytes(Signature, Ed25519.SignatureSize, out var signature) || Head.Length != 64)
            return false;
        return Ed25519.Verify(publicKey, SignedBytes(Seq, Head, At), signature);
    }

    /// <summary>One line of a checkpoint file.</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, AuditCheckpointJson.Default.AuditCheckpoint);

    /// <summary>Reads one line of a checkpoint file; null with <paramref name="error"/> when it is not a checkpoint.</summary>
    public static AuditCheckpoint? Parse(string line, out string? error)
    {
        try
        {
            var checkpoint = JsonSerializer.Deserialize(line, AuditCheckpointJson.Default.AuditCheckpoint);
            if (checkpoint is null || checkpoint.Head is null || checkpoint.Key is null || checkpoint.Signature is null)
            {
                error = "not a checkpoint (seq, head, at, key and signature are required)";
                return null;
            }
            error = null;
            return checkpoint;
        }
        catch (JsonException e)
        {
            error = $"not a checkpoint: {e.Message}";
            return null;
        }
    }

    internal static bool LowerHexBytes(string? hex, int length, out byte[] bytes)
    {
        bytes = [];
        if (hex is null || hex.Length != length * 2)
            return false;
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>Source-generated JSON for <see cref="AuditCheckpoint"/>.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(AuditCheckpoint))]
internal sealed partial class AuditCheckpointJson : JsonSerializerContext;
