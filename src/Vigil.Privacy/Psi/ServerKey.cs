using System.Security.Cryptography;
using Vigil.Privacy.Crypto;
using Vigil.Privacy.Group;

namespace Vigil.Privacy.Psi;

/// <summary>
/// What only the server may do with its secret scalar alpha: blind list entries (alpha * H(y)) and
/// open outer layers (alpha * Q). An HSM can implement it without the scalar leaving the device.
/// </summary>
public interface IServerKey
{
    /// <summary>The public L = alpha * G.</summary>
    RistrettoPoint PublicPoint { get; }

    /// <summary>alpha * <paramref name="point"/>.</summary>
    RistrettoPoint Multiply(RistrettoPoint point);
}

/// <summary>
/// The server's secrets held in memory (from a key file): the scalar alpha, and the Ed25519 seed
/// that signs each manifest. Keep the same key across list versions.
/// </summary>
public sealed class ServerKey : IServerKey
{
    private const string Magic = "VGLPSIK1";
    private const int FileSize = 8 + RistrettoScalar.Size + Ed25519.SeedSize;
    private readonly RistrettoScalar _alpha;
    private readonly byte[] _signingSeed;

    private ServerKey(RistrettoScalar alpha, byte[] signingSeed)
    {
        _alpha = alpha;
        _signingSeed = signingSeed;
        PublicPoint = RistrettoPoint.MultiplyGenerator(alpha);
        SigningPublicKey = Ed25519.PublicKey(signingSeed);
    }

    /// <summary>The Ed25519 public key devices check manifests against.</summary>
    public byte[] SigningPublicKey { get; }

    /// <summary>Signs a manifest's canonical bytes.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => Ed25519.Sign(_signingSeed, message);

    /// <inheritdoc/>
    public RistrettoPoint PublicPoint { get; }

    /// <summary>A new random key.</summary>
    public static ServerKey Generate() => new(RistrettoScalar.Random(), RandomNumberGenerator.GetBytes(Ed25519.SeedSize));

    /// <inheritdoc/>
    public RistrettoPoint Multiply(RistrettoPoint point) => point.Multiply(_alpha);

    /// <summary>The key file's bytes: "VGLPSIK1", the 32-byte scalar and the 32-byte signing seed.</summary>
    public byte[] Export()
    {
        var bytes = new byte[FileSize];
        System.Text.Encoding.ASCII.GetBytes(Magic, bytes);
        _alpha.Encode(bytes.AsSpan(8));
        _signingSeed.CopyTo(bytes, 8 + RistrettoScalar.Size);
        return bytes;
    }

    /// <summary>Reads a key file's bytes; throws <see cref="InvalidDataException"/> for anything that is not one.</summary>
    public static ServerKey Import(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != FileSize || !bytes[..8].SequenceEqual("VGLPSIK1"u8))
            throw new InvalidDataException($"not a Vigil PSI server key (expected {FileSize} bytes starting VGLPSIK1)");
        if (!RistrettoScalar.TryDecode(bytes.Slice(8, RistrettoScalar.Size), out var alpha) || alpha.IsZero)
            throw new InvalidDataException("the server key's scalar is not valid");
        return new ServerKey(alpha, bytes[(8 + RistrettoScalar.Size)..].ToArray());
    }

    /// <summary>Whether two keys are the same (constant time).</summary>
    public bool SameAs(ServerKey other) => CryptographicOperations.FixedTimeEquals(Export(), other.Export());
}
