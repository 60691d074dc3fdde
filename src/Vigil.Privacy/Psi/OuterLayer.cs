using System.Security.Cryptography;
using Vigil.Privacy.Crypto;
using Vigil.Privacy.Group;

namespace Vigil.Privacy.Psi;

/// <summary>
/// One outer pair of a voucher (a probe): the point Q and a sealed key per cuckoo slot of the
/// probed item (three in exact mode, two in banded mode).
/// </summary>
/// <param name="Q">b * H(y) + c * G.</param>
/// <param name="SealedKeys">
/// <see cref="OuterLayer.SealedKeySize"/> bytes per key: a 16-byte key check, then rkey sealed
/// under a key derived from S = b * P_w + c * L.
/// </param>
public sealed record OuterPair(RistrettoPoint Q, byte[] SealedKeys)
{
    /// <summary>How many sealed keys the pair carries.</summary>
    public int KeyCount => SealedKeys.Length / OuterLayer.SealedKeySize;
}

/// <summary>
/// The voucher's outer layer (the paper's step 4). The device, holding only the public table, makes
/// for an item y (the photo's hash in exact mode, each band probe in banded mode) with random b, c
/// the point Q = b*H(y) + c*G and, for each of y's cuckoo slots w, Enc(KDF(S_w), rkey) with
/// S_w = b*P_w + c*L. When P_w = alpha*H(y) (y is on the list, in slot w) then S_w = alpha*Q and the
/// server can open that key; otherwise S_w = alpha*Q + b*(P_w - alpha*H(y)) is uniformly random
/// given Q (b is hidden by c) and the key opens under nothing the server can compute. The device
/// learns nothing either way.
/// </summary>
/// <remarks>
/// The paper draws fresh b, c for each slot, a point Q per slot. One Q for all slots keeps the
/// argument (b stays uniform given Q, so every S_w with P_w != alpha*H(y) stays unpredictable, and a
/// key-robust AEAD under a random-oracle KDF hides rkey) and halves the server's scalar
/// multiplications per voucher, the cost that bounds its throughput.
/// </remarks>
public static class OuterLayer
{
    /// <summary>Bytes of rkey, the key of the voucher's inner layer.</summary>
    public const int InnerKeySize = Aead.KeySize;

    /// <summary>Bytes of the key check that leads a sealed key.</summary>
    public const int KeyCheckSize = 16;

    /// <summary>Bytes of one sealed key: the key check, then rkey under AES-256-GCM.</summary>
    public const int SealedKeySize = KeyCheckSize + InnerKeySize + Aead.Overhead;

    private const int DerivedSize = Aead.KeySize + KeyCheckSize;

    /// <summary>The probe for <paramref name="item"/>: Q and a sealed key per cuckoo slot, in random order (the order must not say which slot matched).</summary>
    public static OuterPair SealProbe(PublicTable table, ReadOnlySpan<byte> item, ReadOnlySpan<byte> innerKey)
    {
        ArgumentNullException.ThrowIfNull(table);
        CheckInnerKey(innerKey);
        var hashed = RistrettoPoint.HashToGroup(PsiDomains.HashToGroup, item);
        var b = RistrettoScalar.Random();
        var c = RistrettoScalar.Random();
        var q = hashed.Multiply(b).Add(RistrettoPoint.MultiplyGenerator(c));
        var cL = table.PublicPoint.Multiply(c);
        int choices = table.Choices;
        Span<int> slots = stackalloc int[choices];
        table.Slots(item, slots);
        // A random order of the keys, so a key's position does not say which slot matched.
        Span<int> order = stackalloc int[choices];
        for (int j = 0; j < choices; j++)
            order[j] = j;
        RandomNumberGenerator.Shuffle(order);
        var keys = new byte[choices * SealedKeySize];
        for (int j = 0; j < choices; j++)
        {
            var s = table[slots[j]].Multiply(b).Add(cL);
            SealWith(s, q, innerKey, keys.AsSpan(order[j] * SealedKeySize, SealedKeySize));
        }
        return new OuterPair(q, keys);
    }

    /// <summary>A synthetic voucher's probe: it opens for the server whatever the photo (Q = b*G, one key under S = b*L = alpha*Q, the other under a random point).</summary>
    public static OuterPair SealSyntheticProbe(PublicTable table, ReadOnlySpan<byte> innerKey)
    {
        ArgumentNullException.ThrowIfNull(table);
        CheckInnerKey(innerKey);
        return SyntheticOpening(table, innerKey, keys: table.Choices);
    }

    /// <summary>A pair of <paramref name="keys"/> sealed keys that opens for no one: Q uniform, each key sealed under an unrelated random point.</summary>
    public static OuterPair Dead(ReadOnlySpan<byte> innerKey, int keys)
    {
        CheckInnerKey(innerKey);
        Span<byte> uniform = stackalloc byte[64];
        RandomNumberGenerator.Fill(uniform);
        var q = RistrettoPoint.FromUniformBytes(uniform);
        var sealedKeys = new byte[keys * SealedKeySize];
        for (int k = 0; k < keys; k++)
        {
            RandomNumberGenerator.Fill(uniform);
            SealWith(RistrettoPoint.FromUniformBytes(uniform), q, innerKey, sealedKeys.AsSpan(k * SealedKeySize, SealedKeySize));
        }
        return new OuterPair(q, sealedKeys);
    }

    private static OuterPair SyntheticOpening(PublicTable table, ReadOnlySpan<byte> innerKey, int keys)
    {
        var b = RistrettoScalar.Random();
        var q = RistrettoPoint.MultiplyGenerator(b);
        var sealedKeys = new byte[keys * SealedKeySize];
        int opening = RandomNumberGenerator.GetInt32(keys);
        Span<byte> uniform = stackalloc byte[64];
        for (int k = 0; k < keys; k++)
        {
            RistrettoPoint s;
            if (k == opening)
            {
                s = table.PublicPoint.Multiply(b);
            }
            else
            {
                RandomNumberGenerator.Fill(uniform);
                s = RistrettoPoint.FromUniformBytes(uniform);
            }
            SealWith(s, q, innerKey, sealedKeys.AsSpan(k * SealedKeySize, SealedKeySize));
        }
        return new OuterPair(q, sealedKeys);
    }

    private static void CheckInnerKey(ReadOnlySpan<byte> innerKey)
    {
        if (innerKey.Length != InnerKeySize)
            throw new ArgumentException($"the inner key is {InnerKeySize} bytes", nameof(innerKey));
    }

    /// <summary>The server's attempt on one pair: true, with the inner key, only when S = alpha*Q sealed one of its keys.</summary>
    public static bool TryOpen(IServerKey key, OuterPair pair, Span<byte> innerKey) =>
        Open(key, pair, innerKey) == 1;

    /// <summary>
    /// How many of the pair's sealed keys open under alpha*Q (the last one opened is in
    /// <paramref name="innerKey"/>). One scalar multiplication, whatever the number of keys.
    /// </summary>
    public static int Open(IServerKey key, OuterPair pair, Span<byte> innerKey)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(pair);
        if (pair.SealedKeys.Length == 0 || pair.SealedKeys.Length % SealedKeySize != 0 || innerKey.Length != InnerKeySize || pair.Q.IsIdentity)
            return 0;
        Span<byte> derived = stackalloc byte[DerivedSize];
        DeriveKey(key.Multiply(pair.Q), pair.Q, derived);
        int opened = 0;
        for (int at = 0; at < pair.SealedKeys.Length; at += SealedKeySize)
        {
            var sealedKey = pair.SealedKeys.AsSpan(at, SealedKeySize);
            // The key check commits to the derived key: a key sealed under any other S fails here,
            // cheaply and without AES-GCM's exception (most keys the server tries do not open).
            if (CryptographicOperations.FixedTimeEquals(derived[Aead.KeySize..], sealedKey[..KeyCheckSize])
                && Aead.TryOpen(derived[..Aead.KeySize], sealedKey[KeyCheckSize..], ReadOnlySpan<byte>.Empty, innerKey))
                opened++;
        }
        return opened;
    }

    private static byte[] SealWith(RistrettoPoint s, RistrettoPoint q, ReadOnlySpan<byte> innerKey)
    {
        var sealedKey = new byte[SealedKeySize];
        SealWith(s, q, innerKey, sealedKey);
        return sealedKey;
    }

    private static void SealWith(RistrettoPoint s, RistrettoPoint q, ReadOnlySpan<byte> innerKey, Span<byte> sealedKey)
    {
        Span<byte> derived = stackalloc byte[DerivedSize];
        DeriveKey(s, q, derived);
        derived[Aead.KeySize..].CopyTo(sealedKey);
        Aead.Seal(derived[..Aead.KeySize], innerKey, ReadOnlySpan<byte>.Empty, sealedKey[KeyCheckSize..]);
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
