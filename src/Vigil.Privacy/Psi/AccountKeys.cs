using System.Buffers.Binary;
using System.Security.Cryptography;
using Vigil.Privacy.Sharing;

namespace Vigil.Privacy.Psi;

/// <summary>
/// A device account's keys, the same on all its devices and stable across list versions: the
/// Shamir polynomial of degree t whose constant term is the payload secret, the PRF key that makes
/// a photo's share coordinate (so copies of one photo give one share) and the detectable hash
/// function's polynomials. Never leaves the device.
/// </summary>
public sealed class AccountKeys
{
    private static ReadOnlySpan<byte> Magic => "VGLPSIA1"u8;
    private const int PrfKeySize = 32;
    private readonly byte[] _prfKey;

    private AccountKeys(ShamirPolynomial sharing, byte[] prfKey, DetectableHash dhf)
    {
        Sharing = sharing;
        _prfKey = prfKey;
        Dhf = dhf;
    }

    /// <summary>t: more than t matches reveal them.</summary>
    public int Threshold => Sharing.Threshold;

    /// <summary>The sharing polynomial (degree t).</summary>
    public ShamirPolynomial Sharing { get; }

    /// <summary>The detectable hash function.</summary>
    public DetectableHash Dhf { get; }

    /// <summary>New random keys for threshold <paramref name="threshold"/>.</summary>
    public static AccountKeys Create(int threshold) =>
        new(ShamirPolynomial.Create(Field127.Random(), threshold), RandomNumberGenerator.GetBytes(PrfKeySize), DetectableHash.Create(threshold));

    /// <summary>The AES-256 key of the payloads, derived from the shared secret.</summary>
    public byte[] PayloadKey() => PayloadKeyFor(Sharing.Secret);

    /// <summary>The payload key for a secret (the server's side, once it has rebuilt the secret).</summary>
    public static byte[] PayloadKeyFor(Field127 secret)
    {
        Span<byte> ikm = stackalloc byte[Field127.Size];
        secret.Encode(ikm);
        var key = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, key, ReadOnlySpan<byte>.Empty, "vigil/psi/v1/payload-key"u8);
        return key;
    }

    /// <summary>A photo's share coordinate x (never 0) and detectable-hash input z, from the PRF of its hash.</summary>
    public (Field127 X, ulong Z) Coordinates(ReadOnlySpan<byte> item)
    {
        Span<byte> prf = stackalloc byte[32];
        HMACSHA256.HashData(_prfKey, item, prf);
        var x = Field127.From(BinaryPrimitives.ReadUInt128LittleEndian(prf) & Field127.Modulus);
        if (x.IsZero)
            x = Field127.One;
        ulong z = BinaryPrimitives.ReadUInt64LittleEndian(prf[16..]) % Field64.Modulus;
        return (x, z);
    }

    /// <summary>The key file's bytes: "VGLPSIA1", t, the PRF key, the t + 1 sharing coefficients, s and the s x t detectable-hash coefficients.</summary>
    public byte[] Export()
    {
        int t = Threshold, s = Dhf.Width;
        var bytes = new byte[8 + 4 + PrfKeySize + (t + 1) * Field127.Size + 4 + s * t * 8];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], t);
        _prfKey.CopyTo(span[12..]);
        int at = 12 + PrfKeySize;
        foreach (var c in Sharing.Coefficients)
        {
            c.Encode(span.Slice(at, Field127.Size));
            at += Field127.Size;
        }
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], s);
        at += 4;
        foreach (var row in Dhf.Coefficients)
        {
            foreach (ulong v in row)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(span[at..], v);
                at += 8;
            }
        }
        return bytes;
    }

    /// <summary>Reads a key file's bytes; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static AccountKeys Import(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 12 + PrfKeySize + 4 || !bytes[..8].SequenceEqual(Magic))
            throw new InvalidDataException("not a Vigil PSI account key file (bad magic or too short)");
        int t = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        if (t is < 1 or > 10_000)
            throw new InvalidDataException($"account key threshold {t} is out of range");
        int at = 12 + PrfKeySize;
        if (bytes.Length < at + (t + 1) * Field127.Size + 4)
            throw new InvalidDataException("account key file is truncated");
        var coefficients = new Field127[t + 1];
        for (int i = 0; i <= t; i++, at += Field127.Size)
        {
            if (!Field127.TryDecode(bytes.Slice(at, Field127.Size), out coefficients[i]))
                throw new InvalidDataException($"account key sharing coefficient {i} is not a field element");
        }
        int s = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        at += 4;
        if (s != DetectableHash.WidthFor(t) || bytes.Length != at + (long)s * t * 8)
            throw new InvalidDataException("account key file's detectable-hash part has the wrong size");
        var dhf = new ulong[s][];
        for (int k = 0; k < s; k++)
        {
            dhf[k] = new ulong[t];
            for (int i = 0; i < t; i++, at += 8)
                dhf[k][i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]);
        }
        try
        {
            return new AccountKeys(ShamirPolynomial.FromCoefficients(coefficients), bytes.Slice(12, PrfKeySize).ToArray(), DetectableHash.FromCoefficients(dhf));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"account key file is malformed: {e.Message}", e);
        }
    }
}
