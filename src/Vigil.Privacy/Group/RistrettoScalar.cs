using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Vigil.Privacy.Group;

/// <summary>
/// An integer modulo the order of the ristretto255 group (RFC 9496), kept in its canonical 32-byte
/// little-endian encoding. Arithmetic is libsodium's (constant time).
/// </summary>
public readonly struct RistrettoScalar : IEquatable<RistrettoScalar>
{
    /// <summary>Bytes in an encoded scalar.</summary>
    public const int Size = 32;

    private readonly Bytes32 _bytes;

    private RistrettoScalar(Bytes32 bytes) => _bytes = bytes;

    /// <summary>Zero.</summary>
    public static RistrettoScalar Zero => default;

    /// <summary>A uniformly random non-zero scalar from the system's CSPRNG.</summary>
    public static RistrettoScalar Random()
    {
        Sodium.EnsureReady();
        var bytes = default(Bytes32);
        Sodium.crypto_core_ristretto255_scalar_random(bytes);
        return new RistrettoScalar(bytes);
    }

    /// <summary>A small integer as a scalar.</summary>
    public static RistrettoScalar FromUInt64(ulong value)
    {
        var bytes = default(Bytes32);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return new RistrettoScalar(bytes);
    }

    /// <summary>64 uniformly random bytes (a hash output) reduced modulo the group order: a uniform scalar.</summary>
    public static RistrettoScalar FromUniformBytes(ReadOnlySpan<byte> wide)
    {
        if (wide.Length != 64)
            throw new ArgumentException("a scalar is reduced from exactly 64 bytes", nameof(wide));
        Sodium.EnsureReady();
        var bytes = default(Bytes32);
        Sodium.crypto_core_ristretto255_scalar_reduce(bytes, wide);
        return new RistrettoScalar(bytes);
    }

    /// <summary>Reads a canonical encoding (32 bytes, less than the group order); false for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out RistrettoScalar scalar)
    {
        scalar = default;
        if (encoded.Length != Size)
            return false;
        Span<byte> wide = stackalloc byte[64];
        encoded.CopyTo(wide);
        var reduced = FromUniformBytes(wide);
        if (!CryptographicOperations.FixedTimeEquals(reduced._bytes, encoded))
            return false;
        scalar = reduced;
        return true;
    }

    /// <summary>Whether this is zero.</summary>
    public bool IsZero => ((ReadOnlySpan<byte>)_bytes).IndexOfAnyExcept((byte)0) < 0;

    /// <summary>This times <paramref name="other"/>.</summary>
    public RistrettoScalar Multiply(RistrettoScalar other)
    {
        Sodium.EnsureReady();
        var bytes = default(Bytes32);
        Sodium.crypto_core_ristretto255_scalar_mul(bytes, _bytes, other._bytes);
        return new RistrettoScalar(bytes);
    }

    /// <summary>This plus <paramref name="other"/>.</summary>
    public RistrettoScalar Add(RistrettoScalar other)
    {
        Sodium.EnsureReady();
        var bytes = default(Bytes32);
        Sodium.crypto_core_ristretto255_scalar_add(bytes, _bytes, other._bytes);
        return new RistrettoScalar(bytes);
    }

    /// <summary>Minus this.</summary>
    public RistrettoScalar Negate()
    {
        Sodium.EnsureReady();
        var bytes = default(Bytes32);
        Sodium.crypto_core_ristretto255_scalar_negate(bytes, _bytes);
        return new RistrettoScalar(bytes);
    }

    /// <summary>The multiplicative inverse; throws for zero.</summary>
    public RistrettoScalar Invert()
    {
        Sodium.EnsureReady();
        var bytes = default(Bytes32);
        if (Sodium.crypto_core_ristretto255_scalar_invert(bytes, _bytes) != 0)
            throw new InvalidOperationException("zero has no inverse");
        return new RistrettoScalar(bytes);
    }

    /// <summary>Writes the canonical 32-byte encoding.</summary>
    public void Encode(Span<byte> destination) => ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);

    /// <summary>The canonical encoding as a new array.</summary>
    public byte[] ToArray() => ((ReadOnlySpan<byte>)_bytes).ToArray();

    /// <inheritdoc/>
    public bool Equals(RistrettoScalar other) => CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RistrettoScalar other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(_bytes);

    /// <summary>Equality.</summary>
    public static bool operator ==(RistrettoScalar left, RistrettoScalar right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(RistrettoScalar left, RistrettoScalar right) => !left.Equals(right);
}
