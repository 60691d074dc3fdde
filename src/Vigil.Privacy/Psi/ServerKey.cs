using System.Security.Cryptography;
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

/// <summary>The server's secret scalar held in memory (from a key file).</summary>
public sealed class ServerKey : IServerKey
{
    private const string Magic = "VGLPSIK1";
    private readonly RistrettoScalar _alpha;

    private ServerKey(RistrettoScalar alpha)
    {
        _alpha = alpha;
        PublicPoint = RistrettoPoint.MultiplyGenerator(alpha);
    }

    /// <inheritdoc/>
    public RistrettoPoint PublicPoint { get; }

    /// <summary>A new random key.</summary>
    public static ServerKey Generate() => new(RistrettoScalar.Random());

    /// <inheritdoc/>
    public RistrettoPoint Multiply(RistrettoPoint point) => point.Multiply(_alpha);

    /// <summary>The key file's bytes: "VGLPSIK1" and the 32-byte scalar.</summary>
    public byte[] Export()
    {
        var bytes = new byte[8 + RistrettoScalar.Size];
        System.Text.Encoding.ASCII.GetBytes(Magic, bytes);
        _alpha.Encode(bytes.AsSpan(8));
        return bytes;
    }

    /// <summary>Reads a key file's bytes; throws <see cref="InvalidDataException"/> for anything that is not one.</summary>
    public static ServerKey Import(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 8 + RistrettoScalar.Size || !bytes[..8].SequenceEqual("VGLPSIK1"u8))
            throw new InvalidDataException("not a Vigil PSI server key (expected 40 bytes starting VGLPSIK1)");
        if (!RistrettoScalar.TryDecode(bytes[8..], out var alpha) || alpha.IsZero)
            throw new InvalidDataException("the server key's scalar is not valid");
        return new ServerKey(alpha);
    }

    /// <summary>Whether two keys are the same (constant time).</summary>
    public bool SameAs(ServerKey other) => CryptographicOperations.FixedTimeEquals(Export(), other.Export());
}
