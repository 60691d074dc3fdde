using System.Buffers.Binary;
using System.Security.Cryptography;
using Vigil.Privacy.Crypto;
using Vigil.Privacy.Group;
using Vigil.Privacy.Sharing;

namespace Vigil.Privacy.Psi;

/// <summary>The shape of a voucher's outer layer, fixed by the table's mode.</summary>
/// <param name="Pairs">Outer pairs (probes): 1 in exact mode (the photo's hash), one per band probe in banded mode.</param>
/// <param name="KeysPerPair">Sealed keys per pair, one per cuckoo slot of the probed item: 3 in exact mode, 2 in banded mode.</param>
public readonly record struct VoucherLayout(int Pairs, int KeysPerPair)
{
    /// <summary>Exact mode: one probe, the photo's hash.</summary>
    public static VoucherLayout Exact => new(1, 3);

    /// <summary>Banded mode: one pair of two keys per probe.</summary>
    public static VoucherLayout Banded(BandParameters bands)
    {
        ArgumentNullException.ThrowIfNull(bands);
        return new(bands.ProbeCount, 2);
    }

    /// <summary>Bytes of one pair: Q and its sealed keys.</summary>
    public int PairSize => RistrettoPoint.Size + KeysPerPair * OuterLayer.SealedKeySize;

    /// <summary>The matching mode this layout belongs to: "exact" (one pair of 3 keys), "banded" (pairs of 2 keys), or "unknown".</summary>
    public string Mode => this == Exact ? "exact" : KeysPerPair == 2 ? "banded" : "unknown";
}

/// <summary>
/// A safety voucher: "VGLV", format version, the list version it was made against, a random id,
/// the layout (pair count, keys per pair), the outer pairs and the inner ciphertext
/// rct = Enc(rkey, (DHF values, share, adct)). Real and synthetic vouchers for one threshold and
/// mode have the same size and form.
/// </summary>
public sealed class Voucher
{
    /// <summary>The binary format's version (2: the layout is in the header, for banded mode).</summary>
    public const byte FormatVersion = 2;

    private static ReadOnlySpan<byte> Magic => "VGLV"u8;
    private const int IdSize = 16;
    private const int HeaderSize = 4 + 1 + 8 + IdSize + 2 + 1;

    private Voucher(ulong listVersion, byte[] id, VoucherLayout layout, OuterPair[] pairs, byte[] innerCiphertext)
    {
        Layout = layout;
        ListVersion = listVersion;
        Id = id;
        Pairs = pairs;
        InnerCiphertext = innerCiphertext;
    }

    /// <summary>The list version of the table the voucher was made with.</summary>
    public ulong ListVersion { get; }

    /// <summary>A random 16-byte id (what the server may say about a voucher below the threshold).</summary>
    public byte[] Id { get; }

    /// <summary>The shape of the outer layer.</summary>
    public VoucherLayout Layout { get; }

    /// <summary>The outer pairs.</summary>
    public IReadOnlyList<OuterPair> Pairs { get; }

    /// <summary>rct.</summary>
    public byte[] InnerCiphertext { get; }

    /// <summary>The id in hex.</summary>
    public string IdHex => Convert.ToHexStringLower(Id);

    /// <summary>Size in bytes of an exact-mode voucher for threshold t.</summary>
    public static int SizeFor(int threshold) => SizeFor(threshold, VoucherLayout.Exact);

    /// <summary>Size in bytes of a voucher for threshold t and the table's layout.</summary>
    public static int SizeFor(int threshold, VoucherLayout layout) =>
        HeaderSize + layout.Pairs * layout.PairSize + InnerSize(threshold) + Aead.Overhead;

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
        return new Voucher(table.ListVersion, id, table.Layout, SealReal(table, payload.Pdq, rkey), rct);
    }

    private static OuterPair[] SealReal(PublicTable table, byte[] pdq, byte[] rkey)
    {
        if (table.Bands is null)
            return [OuterLayer.SealProbe(table, pdq, rkey)];
        var probes = table.Bands.Probes(pdq);
        var pairs = new OuterPair[probes.Length];
        for (int i = 0; i < probes.Length; i++)
            pairs[i] = OuterLayer.SealProbe(table, probes[i], rkey);
        // Random order: a pair's position must not say which band or flip opened.
        RandomNumberGenerator.Shuffle(pairs.AsSpan());
        return pairs;
    }

    private static OuterPair[] SealSynthetic(PublicTable table, byte[] rkey)
    {
        if (table.Bands is null)
            return [OuterLayer.SealSyntheticProbe(table, rkey)];
        // As many opening probes as a real match opens bands, drawn from the published weights.
        int opening = table.Bands.DrawSyntheticOpenCount();
        var pairs = new OuterPair[table.Layout.Pairs];
        for (int i = 0; i < pairs.Length; i++)
            pairs[i] = i < opening ? OuterLayer.SealSyntheticProbe(table, rkey) : OuterLayer.Dead(rkey, keys: table.Choices);
        RandomNumberGenerator.Shuffle(pairs.AsSpan());
        return pairs;
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
        var rkey = RandomNumberGenerator.GetBytes(OuterLayer.InnerKeySize);
        var rct = RandomInnerLayer(keys, rkey, id);
        return new Voucher(table.ListVersion, id, table.Layout, SealSynthetic(table, rkey), rct);
    }

    /// <summary>
    /// A voucher that can never match, for a photo the device must not let match (its PDQ quality is too low to
    /// trust, as <c>vigil match</c> refuses it). It is built as a real voucher for a random hash that is not the
    /// photo's: the outer probes are those of that random hash (so they look like any non-matching photo's), and
    /// they seal a random key that is not the inner layer's, whose content (DHF values, share, payload
    /// ciphertext) is random. So even if a probe happened to open, nothing would decrypt: no share, no payload.
    /// Same size, format and byte distribution as a real or synthetic voucher for the table.
    /// </summary>
    public static Voucher CreateUnmatchable(PublicTable table, AccountKeys keys)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keys);
        var id = RandomNumberGenerator.GetBytes(IdSize);
        var innerKey = RandomNumberGenerator.GetBytes(OuterLayer.InnerKeySize);
        var rct = RandomInnerLayer(keys, innerKey, id);
        CryptographicOperations.ZeroMemory(innerKey);
        var sealedKey = RandomNumberGenerator.GetBytes(OuterLayer.InnerKeySize);
        var pairs = SealReal(table, RandomNumberGenerator.GetBytes(32), sealedKey);
        CryptographicOperations.ZeroMemory(sealedKey);
        return new Voucher(table.ListVersion, id, table.Layout, pairs, rct);
    }

    /// <summary>An inner layer of random DHF values, a random share and random payload ciphertext, sealed under <paramref name="key"/>.</summary>
    private static byte[] RandomInnerLayer(AccountKeys keys, byte[] key, byte[] id)
    {
        var dhf = new ulong[keys.Dhf.ValueCount];
        DetectableHash.Random(dhf);
        var x = Field127.Random();
        if (x.IsZero)
            x = Field127.One;
        var share = new Share(x, Field127.Random());
        var adct = RandomNumberGenerator.GetBytes(VoucherPayload.Size + Aead.Overhead);
        return Aead.Seal(key, Inner(dhf, share, adct), id);
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

    /// <summary>The voucher's bytes (fixed size for a threshold and layout).</summary>
    public byte[] Serialize()
    {
        var bytes = new byte[HeaderSize + Layout.Pairs * Layout.PairSize + InnerCiphertext.Length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span[4] = FormatVersion;
        BinaryPrimitives.WriteUInt64LittleEndian(span[5..], ListVersion);
        Id.CopyTo(span[13..]);
        BinaryPrimitives.WriteUInt16LittleEndian(span[(13 + IdSize)..], (ushort)Layout.Pairs);
        span[15 + IdSize] = (byte)Layout.KeysPerPair;
        int at = HeaderSize;
        foreach (var pair in Pairs)
        {
            pair.Q.Encode(span[at..]);
            pair.SealedKeys.CopyTo(span[(at + RistrettoPoint.Size)..]);
            at += Layout.PairSize;
        }
        InnerCiphertext.CopyTo(span[at..]);
        return bytes;
    }

    /// <summary>
    /// The layout a voucher declares in its header, read without the rest (so it can be read from the start of a
    /// file of vouchers whose size does not fit the expected layout); null when the bytes do not start with a
    /// voucher header of this format version.
    /// </summary>
    public static VoucherLayout? ReadLayout(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderSize || !bytes[..4].SequenceEqual(Magic) || bytes[4] != FormatVersion)
            return null;
        return new VoucherLayout(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(13 + IdSize)..]), bytes[15 + IdSize]);
    }

    /// <summary>Reads an exact-mode voucher made for threshold <paramref name="threshold"/>; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static Voucher Parse(ReadOnlySpan<byte> bytes, int threshold) => Parse(bytes, threshold, VoucherLayout.Exact);

    /// <summary>Reads a voucher made for threshold <paramref name="threshold"/> and a table of layout <paramref name="layout"/>; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static Voucher Parse(ReadOnlySpan<byte> bytes, int threshold, VoucherLayout layout)
    {
        if (bytes.Length < HeaderSize || !bytes[..4].SequenceEqual(Magic))
            throw new InvalidDataException("not a Vigil safety voucher (bad magic or too short)");
        if (bytes[4] != FormatVersion)
            throw new InvalidDataException($"voucher format version {bytes[4]} is not supported (this Vigil reads {FormatVersion})");
        var found = new VoucherLayout(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(13 + IdSize)..]), bytes[15 + IdSize]);
        if (found != layout)
            throw new InvalidDataException($"the voucher has {found.Pairs} pairs of {found.KeysPerPair} key(s), but this table's vouchers have {layout.Pairs} of {layout.KeysPerPair} (made for another matching mode)");
        int expected = SizeFor(threshold, layout);
        if (bytes.Length != expected)
            throw new InvalidDataException($"a voucher for threshold {threshold} is {expected} bytes, not {bytes.Length} (truncated, padded or made for another threshold)");
        var pairs = new OuterPair[layout.Pairs];
        for (int j = 0; j < pairs.Length; j++)
        {
            int at = HeaderSize + j * layout.PairSize;
            if (!RistrettoPoint.TryDecode(bytes.Slice(at, RistrettoPoint.Size), out var q) || q.IsIdentity)
                throw new InvalidDataException($"voucher pair {j + 1} does not hold a valid group element");
            pairs[j] = new OuterPair(q, bytes.Slice(at + RistrettoPoint.Size, layout.KeysPerPair * OuterLayer.SealedKeySize).ToArray());
        }
        return new Voucher(BinaryPrimitives.ReadUInt64LittleEndian(bytes[5..]), bytes.Slice(13, IdSize).ToArray(), layout, pairs,
            bytes[(HeaderSize + layout.Pairs * layout.PairSize)..].ToArray());
    }
}
