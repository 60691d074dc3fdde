using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Vigil.Privacy.Group;

/// <summary>
/// An element of the ristretto255 group (RFC 9496): a prime-order group with canonical 32-byte
/// encodings and a hash to the group, from libsodium (constant-time scalar multiplication).
/// Decoding refuses every non-canonical or invalid encoding.
/// </summary>
public readonly struct RistrettoPoint : IEquatable<RistrettoPoint>
{
    /// <summary>Bytes in an encoded point.</summary>
    public const int Size = 32;

    private static readonly byte[] s_generator = Convert.FromHexString("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76");

    private readonly Bytes32 _bytes;

    private RistrettoPoint(Bytes32 bytes) => _bytes = bytes;

    /// <summary>The identity element (encoded as 32 zero bytes).</summary>
    public static RistrettoPoint Identity => default;

    /// <summary>The standard generator B.</summary>
    public static RistrettoPoint Generator => new(Bytes32.From(s_generator));

    /// <summary>Whether this is the identity.</summary>
    public bool IsIdentity => ((ReadOnlySpan<byte>)_bytes).IndexOfAnyExcept((byte)0) < 0;

    /// <summary>Reads a canonical encoding of a group element (the identity included); false for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out RistrettoPoint point)
    {
        point = default;
        if (encoded.Length != Size)
            return false;
        if (encoded.IndexOfAnyExcept((byte)0) < 0)
            return true;
        Sodium.EnsureReady();
        if (Sodium.crypto_core_ristretto255_is_valid_point(encoded) != 1)
            return false;
        point = new RistrettoPoint(Bytes32.From(encoded));
        return true;
    }

    /// <summary>RFC 9496's one-way map from 64 uniform bytes to the group (the "from_hash" of libsodium).</summary>
    public static RistrettoPoint FromUniformBytes(ReadOnlySpan<byte> uniform)
    {
        if (uniform.Length != 64)
            throw new ArgumentException("the map to the group takes exactly 64 bytes", nameof(uniform));
        Sodium.EnsureReady();
        var bytes = default(Bytes32);
        if (Sodium.crypto_core_ristretto255_from_hash(bytes, uniform) != 0)
            throw new CryptographicException("libsodium could not map the bytes to the group");
        return new RistrettoPoint(bytes);
    }

    /// <summary>
    /// Hashes a message to the group under a domain: SHA-512 of the domain's length (4 bytes,
    /// little-endian), the domain and the message, mapped with <see cref="FromUniformBytes"/>.
    /// Different domains give independent hashes.
    /// </summary>
    public static RistrettoPoint HashToGroup(ReadOnlySpan<byte> domain, ReadOnlySpan<byte> message)
    {
        int length = 4 + domain.Length + message.Length;
        Span<byte> input = length <= 512 ? stackalloc byte[length] : new byte[length];
        BinaryPrimitives.WriteInt32LittleEndian(input, domain.Length);
        domain.CopyTo(input[4..]);
        message.CopyTo(input[(4 + domain.Length)..]);
        Span<byte> digest = stackalloc byte[64];
        SHA512.HashData(input, digest);
        return FromUniformBytes(digest);
    }

    /// <summary>The generator times <paramref name="scalar"/>.</summary>
    public static RistrettoPoint MultiplyGenerator(RistrettoScalar scalar)
    {
        Sodium.EnsureReady();
        var bytes = default(Bytes32);
        Span<byte> n = stackalloc byte[RistrettoScalar.Size];
        scalar.Encode(n);
        // libsodium answers -1 when the product is the identity (a zero scalar).
        return Sodium.crypto_scalarmult_ristretto255_base(bytes, n) == 0 ? new RistrettoPoint(bytes) : Identity;
    }

    /// <summary>This point times <paramref name="scalar"/>.</summary>
    public RistrettoPoint Multiply(RistrettoScalar scalar)
    {
        if (IsIdentity)
            return Identity;
        Sodium.EnsureReady();
        var bytes = default(Bytes32);
        Span<byte> n = stackalloc byte[RistrettoScalar.Size];
        scalar.Encode(n);
        return Sodium.crypto_scalarmult_ristretto255(bytes, n, _bytes) == 0 ? new RistrettoPoint(bytes) : Identity;
    }

    /// <summary>This point plus <paramref name="other"/>.</summary>
    public RistrettoPoint Add(RistrettoPoint other)
    {
        if (IsIdentity)
            return other;
        if (other.IsIdentity)
            return this;
        Sodium.EnsureReady();
        var bytes = default(Bytes32);
        if (Sodium.crypto_core_ristretto255_add(bytes, _bytes, other._bytes) != 0)
            throw new CryptographicException("libsodium refused to add the points");
        return new RistrettoPoint(bytes);
    }

    /// <summary>This point minus <paramref name="other"/>.</summary>
    public RistrettoPoint Subtract(RistrettoPoint other)
    {
        if (other.IsIdentity)
            return this;
        if (IsIdentity)
            return other.Multiply(RistrettoScalar.FromUInt64(1).Negate());
        Sodium.EnsureReady();
        var bytes = default(Bytes32);
        if (Sodium.crypto_core_ristretto255_sub(bytes, _bytes, other._bytes) != 0)
            throw new CryptographicException("libsodium refused to subtract the points");
        return new RistrettoPoint(bytes);
    }

    /// <summary>Writes the canonical 32-byte encoding.</summary>
    public void Encode(Span<byte> destination) => ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);

    /// <summary>The canonical encoding as a new array.</summary>
    public byte[] ToArray() => ((ReadOnlySpan<byte>)_bytes).ToArray();

    /// <summary>The encoding in lowercase hex.</summary>
    public override string ToString() => Convert.ToHexStringLower(_bytes);

    /// <inheritdoc/>
    public bool Equals(RistrettoPoint other) => CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RistrettoPoint other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(_bytes);

    /// <summary>Equality (canonical encodings make it the group's equality).</summary>
    public static bool operator ==(RistrettoPoint left, RistrettoPoint right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(RistrettoPoint left, RistrettoPoint right) => !left.Equals(right);
}
