using System.Buffers.Binary;
using System.Security.Cryptography;
using Vigil.Privacy.Crypto;
using Vigil.Privacy.Group;
using Vigil.Privacy.Sharing;

namespace Vigil.Privacy.Psi;

/// <summary>
/// A safety voucher: "VGLV", format version, the list version it was made against, a random id,
/// the two outer pairs and the inner ciphertext rct = Enc(rkey, (DHF values, share, adct)).
/// Real and synthetic vouchers for one threshold have the same size and form.
/// </summary>
public sealed class Voucher
{
    /// <summary>The binary format's version.</summary>
    public const byte FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "VGLV"u8;
    private const int IdSize = 16;
    private const int HeaderSize = 4 + 1 + 8 + IdSize;
    private const int PairSize = RistrettoPoint.Size + OuterLayer.SealedKeySize;

    private Voucher(ulong listVersion, byte[] id, OuterPair[] pairs, byte[] innerCiphertext)
    {
        ListVersion = listVersion;
        Id = id;
        Pairs = pairs;
        InnerCiphertext = innerCiphertext;
    }

    /// <summary>The list version of the table the voucher was made with.</summary>
    public ulong ListVersion { get; }

    /// <summary>A random 16-byte id (what the server may say about a voucher below the threshold).</summary>
    public byte[] Id { get; }

    /// <summary>The two outer pairs.</summary>
    public IReadOnlyList<OuterPair> Pairs { get; }

    /// <summary>rct.</summary>
    public byte[] InnerCiphertext { get; }

    /// <summary>The id in hex.</summary>
    public string IdHex => Convert.ToHexStringLower(Id);

    /// <summary>Size in bytes of a voucher for threshold t.</summary>
    public static int SizeFor(int threshold) => HeaderSize + 2 * PairSize + InnerSize(threshold) + Aead.Overhead;

    private static int InnerSize(int threshold) =>
        (1 + DetectableHash.WidthFor(threshold)) * 8 + 2 * Field127.Size + VoucherPayload.Size + Aead.Overhead;

    /// <summary>A real voucher for a photo: its hash (the list item), and the payload revealed if the account passes the threshold.</summary>
    public static Voucher CreateReal(PublicTable table, AccountKeys keys, VoucherPayload payload)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(payload);
        var id = RandomNumberGenerator.GetBytes(IdSize);
        var (x, z) = keys.Coordinates(payload.Pdq);
        var share = keys.Sharing.ShareAt(x);
        var dhf = new ulong[keys.Dhf.ValueCount];
        keys.Dhf.Evaluate(z, dhf);
        var adct = Aead.Seal(keys.PayloadKey(), payload.Encode(), id);
        var rkey = RandomNumberGenerator.GetBytes(OuterLayer.InnerKeySize);
        var rct = Aead.Seal(rkey, Inner(dhf, share, adct), id);
        return new Voucher(table.ListVersion, id, OuterLayer.Seal(table, payload.Pdq, rkey), rct);
    }

    /// <summary>
    /// A synthetic voucher: its outer layer always opens, its share and DHF values are random and its
    /// payload ciphertext is random bytes nobody can open. Below the threshold the server cannot
    /// tell it from a match.
    /// </summary>
    public static Voucher CreateSynthetic(PublicTable table, AccountKeys keys)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keys);
        var id = RandomNumberGenerator.GetBytes(IdSize);
        var dhf = new ulong[keys.Dhf.ValueCount];
        DetectableHash.Random(dhf);
        var x = Field127.Random();
        if (x.IsZero)
            x = Field127.One;
        var share = new Share(x, Field127.Random());
        var adct = RandomNumberGenerator.GetBytes(VoucherPayload.Size + Aead.Overhead);
        var rkey = RandomNumberGenerator.GetBytes(OuterLayer.InnerKeySize);
        var rct = Aead.Seal(rkey, Inner(dhf, share, adct), id);
        return new Voucher(table.ListVersion, id, OuterLayer.SealSynthetic(table, rkey), rct);
    }

    private static byte[] Inner(ulong[] dhf, Share share, byte[] adct)
    {
        var inner = new byte[dhf.Length * 8 + 2 * Field127.Size + adct.Length];
        for (int i = 0; i < dhf.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(inner.AsSpan(8 * i), dhf[i]);
        int at = dhf.Length * 8;
        share.X.Encode(inner.AsSpan(at));
        share.Y.Encode(inner.AsSpan(at + Field127.Size));
        adct.CopyTo(inner, at + 2 * Field127.Size);
        return inner;
    }

    /// <summary>What an opened inner layer holds.</summary>
    internal sealed record InnerLayer(ulong[] Dhf, Share Share, byte[] PayloadCiphertext);

    /// <summary>Opens rct with the key an outer pair gave; null when it does not open or is malformed.</summary>
    internal InnerLayer? OpenInner(ReadOnlySpan<byte> rkey, int threshold)
    {
        int size = InnerCiphertext.Length - Aead.Overhead;
        if (size != InnerSize(threshold))
            return null;
        var inner = new byte[size];
        if (!Aead.TryOpen(rkey, InnerCiphertext, Id, inner))
            return null;
        int values = 1 + DetectableHash.WidthFor(threshold);
        var dhf = new ulong[values];
        for (int i = 0; i < values; i++)
            dhf[i] = BinaryPrimitives.ReadUInt64LittleEndian(inner.AsSpan(8 * i));
        int at = values * 8;
        if (!Field127.TryDecode(inner.AsSpan(at, Field127.Size), out var x) || x.IsZero
            || !Field127.TryDecode(inner.AsSpan(at + Field127.Size, Field127.Size), out var y))
            return null;
        return new InnerLayer(dhf, new Share(x, y), inner.AsSpan(at + 2 * Field127.Size).ToArray());
    }

    /// <summary>The voucher's bytes (fixed size for a threshold).</summary>
    public byte[] Serialize()
    {
        var bytes = new byte[HeaderSize + 2 * PairSize + InnerCiphertext.Length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span[4] = FormatVersion;
        BinaryPrimitives.WriteUInt64LittleEndian(span[5..], ListVersion);
        Id.CopyTo(span[13..]);
        int at = HeaderSize;
        foreach (var pair in Pairs)
        {
            pair.Q.Encode(span[at..]);
            pair.SealedKey.CopyTo(span[(at + RistrettoPoint.Size)..]);
            at += PairSize;
        }
        InnerCiphertext.CopyTo(span[at..]);
        return bytes;
    }

    /// <summary>Reads a voucher made for threshold <paramref name="threshold"/>; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static Voucher Parse(ReadOnlySpan<byte> bytes, int threshold)
    {
        if (bytes.Length < HeaderSize || !bytes[..4].SequenceEqual(Magic))
            throw new InvalidDataException("not a Vigil safety voucher (bad magic or too short)");
        if (bytes[4] != FormatVersion)
            throw new InvalidDataException($"voucher format version {bytes[4]} is not supported (this Vigil reads {FormatVersion})");
        int expected = SizeFor(threshold);
        if (bytes.Length != expected)
            throw new InvalidDataException($"a voucher for threshold {threshold} is {expected} bytes, not {bytes.Length} (truncated, padded or made for another threshold)");
        var pairs = new OuterPair[2];
        for (int j = 0; j < 2; j++)
        {
            int at = HeaderSize + j * PairSize;
            if (!RistrettoPoint.TryDecode(bytes.Slice(at, RistrettoPoint.Size), out var q) || q.IsIdentity)
                throw new InvalidDataException($"voucher pair {j + 1} does not hold a valid group element");
            pairs[j] = new OuterPair(q, bytes.Slice(at + RistrettoPoint.Size, OuterLayer.SealedKeySize).ToArray());
        }
        return new Voucher(BinaryPrimitives.ReadUInt64LittleEndian(bytes[5..]), bytes.Slice(13, IdSize).ToArray(), pairs,
            bytes[(HeaderSize + 2 * PairSize)..].ToArray());
    }
}
