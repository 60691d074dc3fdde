using System.Buffers.Binary;
using System.Security.Cryptography;
using Vigil.Privacy.Group;

namespace Vigil.Privacy.Psi;

/// <summary>
/// The public table ("pdata") every device holds: a cuckoo table whose occupied slots hold
/// alpha * H(y) for the list's entries y and whose other slots hold random group elements, with the
/// server's public point L = alpha * G, the two cuckoo hash keys and the list version. Nothing in it
/// tells an entry from filler. Its SHA-256 (<see cref="Root"/>) is published, so anyone can check
/// that every device got the same list.
/// </summary>
public sealed class PublicTable
{
    /// <summary>The binary format's version (2: the matching mode and band parameters are in the header).</summary>
    public const int FormatVersion = 2;

    private static ReadOnlySpan<byte> Magic => "VGLPDATA"u8;
    private const int NonceSize = 32;
    private const int MaxBands = 16;
    // Mode (0 exact, 1 banded), band count, radius, a zero byte, the permutation seed, one 32-bit synthetic weight per possible band.
    private const int ModeSize = 4 + BandParameters.SeedSize + 4 * MaxBands;
    private const int ModeOffset = 24;
    private const int NonceOffset = ModeOffset + ModeSize;
    private const int PointOffset = NonceOffset + 2 * NonceSize;
    private const int HeaderSize = PointOffset + RistrettoPoint.Size;

    /// <summary>Most slots a table may have (2^30: 32 GB of points, some 480 million entries).</summary>
    public const int MaxSlots = 1 << 30;

    private readonly byte[] _nonce1;
    private readonly byte[] _nonce2;
    private readonly RistrettoPoint[] _slots;

    internal PublicTable(ulong listVersion, RistrettoPoint publicPoint, byte[] nonce1, byte[] nonce2, RistrettoPoint[] slots, BandParameters? bands = null)
    {
        Bands = bands;
        ListVersion = listVersion;
        PublicPoint = publicPoint;
        _nonce1 = nonce1;
        _nonce2 = nonce2;
        _slots = slots;
    }

    /// <summary>The version of the list the table was built from (devices and server must agree).</summary>
    public ulong ListVersion { get; }

    /// <summary>The band parameters in banded mode; null in exact mode.</summary>
    public BandParameters? Bands { get; }

    /// <summary>"exact" or "banded".</summary>
    public string Mode => Bands is null ? "exact" : "banded";

    /// <summary>The shape of every voucher made against this table.</summary>
    public VoucherLayout Layout => Bands is null ? VoucherLayout.Exact : VoucherLayout.Banded(Bands);

    /// <summary>L = alpha * G.</summary>
    public RistrettoPoint PublicPoint { get; }

    /// <summary>Number of slots.</summary>
    public int SlotCount => _slots.Length;

    /// <summary>The point in slot <paramref name="slot"/>.</summary>
    public RistrettoPoint this[int slot] => _slots[slot];

    /// <summary>
    /// Cuckoo choices per item: 3 in exact mode (so the table can be 83% full: 1.2 slots per entry),
    /// 2 in banded mode (each of a photo's 261 probes then costs the device one multiplication less;
    /// 2.2 slots per item, since two choices only work below half load).
    /// </summary>
    public int Choices => ChoicesFor(Bands);

    private static int ChoicesFor(BandParameters? bands) => bands is null ? 3 : 2;

    private static double SlotsPerItem(int choices) => choices == 3 ? 1.2 : 2.2;

    /// <summary>
    /// The <see cref="Choices"/> slots of <paramref name="item"/> (its cuckoo hashes): one SHA-256 of
    /// the domain, the two public keys and the item, 8 bytes of it per choice modulo the slot count,
    /// moved on to the next slot when it repeats an earlier choice.
    /// </summary>
    public void Slots(ReadOnlySpan<byte> item, Span<int> slots)
    {
        if (slots.Length != Choices)
            throw new ArgumentException($"this table gives {Choices} slots per item", nameof(slots));
        Slots(item, _nonce1, _nonce2, _slots.Length, slots);
    }

    internal static void Slots(ReadOnlySpan<byte> item, ReadOnlySpan<byte> nonce1, ReadOnlySpan<byte> nonce2, int slotCount, Span<int> slots)
    {
        int length = PsiDomains.CuckooSlot.Length + nonce1.Length + nonce2.Length + item.Length;
        Span<byte> input = length <= 256 ? stackalloc byte[length] : new byte[length];
        PsiDomains.CuckooSlot.CopyTo(input);
        nonce1.CopyTo(input[PsiDomains.CuckooSlot.Length..]);
        nonce2.CopyTo(input[(PsiDomains.CuckooSlot.Length + nonce1.Length)..]);
        item.CopyTo(input[(PsiDomains.CuckooSlot.Length + nonce1.Length + nonce2.Length)..]);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        for (int j = 0; j < slots.Length; j++)
        {
            int slot = (int)(BinaryPrimitives.ReadUInt64LittleEndian(digest[(8 * j)..]) % (ulong)slotCount);
            while (slots[..j].Contains(slot))
                slot = (slot + 1) % slotCount;
            slots[j] = slot;
        }
    }

    /// <summary>The table's bytes: "VGLPDATA", format version, list version, slot count, the mode and band parameters, the two cuckoo keys, L, then every slot's point.</summary>
    public byte[] Serialize()
    {
        var bytes = new byte[HeaderSize + (long)_slots.Length * RistrettoPoint.Size];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(span[12..], ListVersion);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], _slots.Length);
        if (Bands is not null)
        {
            span[ModeOffset] = 1;
            span[ModeOffset + 1] = (byte)Bands.Bands;
            span[ModeOffset + 2] = (byte)Bands.Radius;
            Bands.Seed.CopyTo(span[(ModeOffset + 4)..]);
            for (int k = 0; k < Bands.Bands; k++)
                BinaryPrimitives.WriteInt32LittleEndian(span[(ModeOffset + 4 + BandParameters.SeedSize + 4 * k)..], Bands.SyntheticWeights[k]);
        }
        _nonce1.CopyTo(span[NonceOffset..]);
        _nonce2.CopyTo(span[(NonceOffset + NonceSize)..]);
        PublicPoint.Encode(span[PointOffset..]);
        for (int i = 0; i < _slots.Length; i++)
            _slots[i].Encode(span.Slice(HeaderSize + i * RistrettoPoint.Size, RistrettoPoint.Size));
        return bytes;
    }

    /// <summary>SHA-256 of <see cref="Serialize"/>'s bytes, in lowercase hex: what the manifest publishes.</summary>
    public static string Root(ReadOnlySpan<byte> serialized) => Convert.ToHexStringLower(SHA256.HashData(serialized));

    /// <summary>
    /// Reads a table, checking every length and every point; throws <see cref="InvalidDataException"/>
    /// saying what is wrong (not a table, another format version, truncated, an invalid point).
    /// </summary>
    public static PublicTable Parse(ReadOnlySpan<byte> bytes)
    {
        var (listVersion, bands) = ReadHeader(bytes);
        int slotCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        var nonce1 = bytes.Slice(NonceOffset, NonceSize).ToArray();
        var nonce2 = bytes.Slice(NonceOffset + NonceSize, NonceSize).ToArray();
        if (!RistrettoPoint.TryDecode(bytes.Slice(PointOffset, RistrettoPoint.Size), out var publicPoint) || publicPoint.IsIdentity)
            throw new InvalidDataException("pdata's public point is not a valid group element");
        var slots = new RistrettoPoint[slotCount];
        for (int i = 0; i < slotCount; i++)
        {
            if (!RistrettoPoint.TryDecode(bytes.Slice(HeaderSize + i * RistrettoPoint.Size, RistrettoPoint.Size), out slots[i]) || slots[i].IsIdentity)
                throw new InvalidDataException($"pdata slot {i} is not a valid group element");
        }
        return new PublicTable(listVersion, publicPoint, nonce1, nonce2, slots, bands);
    }

    /// <summary>
    /// Reads only the header (list version and band parameters) of a table, for a server that
    /// needs its mode without decoding millions of points; the same checks as <see cref="Parse"/>
    /// on those fields, and on the length.
    /// </summary>
    public static (ulong ListVersion, BandParameters? Bands) ReadHeader(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderSize || !bytes[..8].SequenceEqual(Magic))
            throw new InvalidDataException("not a Vigil PSI table (pdata): bad magic or too short");
        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        if (version != FormatVersion)
            throw new InvalidDataException($"pdata format version {version} is not supported (this Vigil reads {FormatVersion})");
        int slotCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        if (slotCount is < 2 or > MaxSlots)
            throw new InvalidDataException($"pdata has {slotCount} slots; a table has 2 to {MaxSlots}");
        long expected = HeaderSize + (long)slotCount * RistrettoPoint.Size;
        if (bytes.Length != expected)
            throw new InvalidDataException($"pdata is {bytes.Length} bytes; {slotCount} slots need exactly {expected} (truncated or padded)");
        return (BinaryPrimitives.ReadUInt64LittleEndian(bytes[12..]), ParseMode(bytes.Slice(ModeOffset, ModeSize)));
    }

    private static BandParameters? ParseMode(ReadOnlySpan<byte> block)
    {
        byte mode = block[0];
        if (mode == 0)
        {
            if (block.IndexOfAnyExcept((byte)0) >= 0)
                throw new InvalidDataException("pdata is in exact mode but carries band parameters");
            return null;
        }
        if (mode != 1)
            throw new InvalidDataException($"pdata has matching mode {mode}; this Vigil knows 0 (exact) and 1 (banded)");
        int bandCount = block[1];
        if (bandCount is < 5 or > MaxBands || block[2] > 1 || block[3] != 0)
            throw new InvalidDataException($"pdata's band parameters are invalid ({bandCount} bands, radius {block[2]})");
        var weights = new int[bandCount];
        for (int k = 0; k < MaxBands; k++)
        {
            int weight = BinaryPrimitives.ReadInt32LittleEndian(block[(4 + BandParameters.SeedSize + 4 * k)..]);
            if (k < bandCount)
                weights[k] = weight;
            else if (weight != 0)
                throw new InvalidDataException("pdata has synthetic weights beyond its band count");
        }
        try
        {
            return new BandParameters(bandCount, block[2], block.Slice(4, BandParameters.SeedSize), weights);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"pdata's band parameters are invalid: {e.Message}", e);
        }
    }

    /// <summary>
    /// Builds the table from the list's entries (each a byte string, e.g. a 32-byte PDQ hash;
    /// duplicates are removed, and <c>Entries</c> says how many distinct ones there were), one
    /// entry per slot in a cuckoo table of <see cref="Choices"/> choices: 1.2 slots per entry with
    /// three (38 bytes of pdata per entry), 2.2 with two (two choices only work below half load); an entry
    /// that cannot be placed after many evictions makes the build try again with new hash keys
    /// (up to 8 times); what still does not fit is dropped and counted (a false negative to
    /// report). Blinding is spread over <paramref name="threads"/> threads. With
    /// <paramref name="bands"/> (banded mode) every entry must be a 32-byte PDQ hash, and the table
    /// holds its band items instead (<c>Entries</c> and <c>Dropped</c> then count distinct items).
    /// <paramref name="progress"/>, when given, hears the total of slots blinded so far (from the
    /// blinding threads, out of <see cref="SlotCount"/>) after each chunk.
    /// </summary>
    public static (PublicTable Table, int Entries, int Dropped) Build(IEnumerable<byte[]> entries, IServerKey key, ulong listVersion, BandParameters? bands = null,
        int threads = 0, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(key);
        var distinct = new List<byte[]>();
        var seen = new HashSet<byte[]>(ByteStringComparer.Instance);
        var items = new List<byte[]>(bands?.Bands ?? 1);
        foreach (var entry in entries)
        {
            items.Clear();
            if (bands is null)
                items.Add(entry);
            else if (entry.Length != BandParameters.HashBits / 8)
                throw new ArgumentException($"banded mode takes 32-byte PDQ hashes; an entry has {entry.Length} bytes", nameof(entries));
            else
                bands.ListItems(entry, items);
            foreach (var item in items)
            {
                if (seen.Add(item))
                    distinct.Add(item);
            }
        }
        int choices = ChoicesFor(bands);
        long wanted = (long)Math.Ceiling(distinct.Count * SlotsPerItem(choices)) + 8;
        if (wanted > MaxSlots)
            throw new ArgumentException($"{distinct.Count:N0} entries need more than {MaxSlots:N0} slots", nameof(entries));
        int slotCount = (int)wanted;
        // An entry that will not fit is a false negative: re-randomise the hash keys a few times to avoid it.
        byte[] nonce1 = [], nonce2 = [];
        int[] placement = [];
        int dropped = int.MaxValue;
        for (int attempt = 0; attempt < 8 && dropped > 0; attempt++)
        {
            var n1 = RandomNumberGenerator.GetBytes(NonceSize);
            var n2 = RandomNumberGenerator.GetBytes(NonceSize);
            var candidate = CuckooPlacement.Place(distinct, slotCount, choices, n1, n2, out int candidateDropped);
            if (candidateDropped < dropped)
                (nonce1, nonce2, placement, dropped) = (n1, n2, candidate, candidateDropped);
        }

        var slots = new RistrettoPoint[slotCount];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        // Chunks of slots, each with one draw of randomness for all its filler points.
        const int Chunk = 4096;
        long blinded = 0;
        Parallel.For(0, (slotCount + Chunk - 1) / Chunk, options, () => new byte[Chunk * 64], (chunk, _, random) =>
        {
            RandomNumberGenerator.Fill(random);
            int end = Math.Min(slotCount, (chunk + 1) * Chunk);
            for (int i = chunk * Chunk; i < end; i++)
            {
                int entry = placement[i];
                slots[i] = entry >= 0
                    ? key.Multiply(RistrettoPoint.HashToGroup(PsiDomains.HashToGroup, distinct[entry]))
                    : RistrettoPoint.FromUniformBytes(random.AsSpan((i - chunk * Chunk) * 64, 64));
            }
            progress?.Report(Interlocked.Add(ref blinded, end - chunk * Chunk));
            return random;
        }, random => CryptographicOperations.ZeroMemory(random));
        return (new PublicTable(listVersion, key.PublicPoint, nonce1, nonce2, slots, bands), distinct.Count, dropped);
    }

    /// <summary>Byte strings compared by content.</summary>
    private sealed class ByteStringComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteStringComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
