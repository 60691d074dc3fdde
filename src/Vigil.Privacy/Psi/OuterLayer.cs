using System.Security.Cryptography;
using Vigil.Privacy.Crypto;
using Vigil.Privacy.Group;

namespace Vigil.Privacy.Psi;

/// <summary>One of a voucher's two outer-layer pairs: the point Q and the key rkey sealed under KDF(S).</summary>
/// <param name="Q">b * H(y) + c * G.</param>
/// <param name="SealedKey">A 16-byte key check, then rkey sealed under a key derived from S = b * P_w + c * L.</param>
public sealed record OuterPair(RistrettoPoint Q, byte[] SealedKey);

/// <summary>
/// The voucher's outer layer (the paper's step 4). The device, holding only the public table, makes
/// for each of the photo's two cuckoo slots w a pair (Q, Enc(KDF(S), rkey)) with random b, c:
/// Q = b*H(y) + c*G and S = b*P_w + c*L. When P_w = alpha*H(y) (the photo is on the list, in slot w)
/// then S = alpha*Q and the server can open the pair; otherwise (Q, S) is uniformly random and the
/// pair opens under no key the server can compute. The device learns nothing either way.
/// </summary>
public static class OuterLayer
{
    /// <summary>Bytes of rkey, the key of the voucher's inner layer.</summary>
    public const int InnerKeySize = Aead.KeySize;

    /// <summary>Bytes of the key check that leads a sealed key.</summary>
    public const int KeyCheckSize = 16;

    /// <summary>Bytes of one pair's sealed key: the key check, then rkey under AES-256-GCM.</summary>
    public const int SealedKeySize = KeyCheckSize + InnerKeySize + Aead.Overhead;

    /// <summary>The two pairs for <paramref name="item"/> (a photo's hash), in random order.</summary>
    public static OuterPair[] Seal(PublicTable table, ReadOnlySpan<byte> item, ReadOnlySpan<byte> innerKey)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (innerKey.Length != InnerKeySize)
            throw new ArgumentException($"the inner key is {InnerKeySize} bytes", nameof(innerKey));
        var hashed = RistrettoPoint.HashToGroup(PsiDomains.HashToGroup, item);
        var pairs = new OuterPair[2];
        for (int j = 0; j < 2; j++)
        {
            var slotPoint = table[table.Slot(j, item)];
            var b = RistrettoScalar.Random();
            var c = RistrettoScalar.Random();
            var q = hashed.Multiply(b).Add(RistrettoPoint.MultiplyGenerator(c));
            var s = slotPoint.Multiply(b).Add(table.PublicPoint.Multiply(c));
            pairs[j] = new OuterPair(q, SealWith(s, q, innerKey));
        }
        // Random order: the position must not say which cuckoo function matched.
        if (RandomNumberGenerator.GetInt32(2) == 1)
            (pairs[0], pairs[1]) = (pairs[1], pairs[0]);
        return pairs;
    }

    /// <summary>
    /// The synthetic form (the paper's section on synthetic vouchers): the first pair opens for the
    /// server (Q = b*G, S = b*L = alpha*Q) whatever the photo, the second opens for no one; in
    /// random order, so it looks like a real match.
    /// </summary>
    public static OuterPair[] SealSynthetic(PublicTable table, ReadOnlySpan<byte> innerKey)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (innerKey.Length != InnerKeySize)
            throw new ArgumentException($"the inner key is {InnerKeySize} bytes", nameof(innerKey));
        var b = RistrettoScalar.Random();
        var q = RistrettoPoint.MultiplyGenerator(b);
        var opening = new OuterPair(q, SealWith(table.PublicPoint.Multiply(b), q, innerKey));
        // A pair that opens for no one: Q uniform, and a key sealed under an unrelated random point.
        Span<byte> uniform = stackalloc byte[64];
        RandomNumberGenerator.Fill(uniform);
        var q2 = RistrettoPoint.FromUniformBytes(uniform);
        RandomNumberGenerator.Fill(uniform);
        var dead = new OuterPair(q2, SealWith(RistrettoPoint.FromUniformBytes(uniform), q2, innerKey));
        return RandomNumberGenerator.GetInt32(2) == 1 ? [opening, dead] : [dead, opening];
    }

    /// <summary>The server's attempt on one pair: true, with the inner key, only when S = alpha*Q sealed it.</summary>
    public static bool TryOpen(IServerKey key, OuterPair pair, Span<byte> innerKey)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(pair);
        if (pair.SealedKey.Length != SealedKeySize || innerKey.Length != InnerKeySize || pair.Q.IsIdentity)
            return false;
        Span<byte> derived = stackalloc byte[DerivedSize];
        DeriveKey(key.Multiply(pair.Q), pair.Q, derived);
        // The key check commits to the derived key: a pair sealed under any other S fails here,
        // cheaply and without AES-GCM's exception (most pairs the server tries do not open).
        if (!CryptographicOperations.FixedTimeEquals(derived[Aead.KeySize..], pair.SealedKey.AsSpan(0, KeyCheckSize)))
            return false;
        return Aead.TryOpen(derived[..Aead.KeySize], pair.SealedKey.AsSpan(KeyCheckSize), ReadOnlySpan<byte>.Empty, innerKey);
    }

    private const int DerivedSize = Aead.KeySize + KeyCheckSize;

    private static byte[] SealWith(RistrettoPoint s, RistrettoPoint q, ReadOnlySpan<byte> innerKey)
    {
        Span<byte> derived = stackalloc byte[DerivedSize];
        DeriveKey(s, q, derived);
        var sealedKey = new byte[SealedKeySize];
        derived[Aead.KeySize..].CopyTo(sealedKey);
        Aead.Seal(derived[..Aead.KeySize], innerKey, ReadOnlySpan<byte>.Empty, sealedKey.AsSpan(KeyCheckSize));
        return sealedKey;
    }

    /// <summary>HKDF-SHA-256 of S, bound to Q and the protocol's label: the AEAD key, then the key check.</summary>
    private static void DeriveKey(RistrettoPoint s, RistrettoPoint q, Span<byte> key)
    {
        Span<byte> ikm = stackalloc byte[RistrettoPoint.Size];
        s.Encode(ikm);
        Span<byte> info = stackalloc byte[PsiDomains.OuterKey.Length + RistrettoPoint.Size];
        PsiDomains.OuterKey.CopyTo(info);
        q.Encode(info[PsiDomains.OuterKey.Length..]);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, key, ReadOnlySpan<byte>.Empty, info);
    }
}
