using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Vigil.Privacy.Psi;

/// <summary>
/// Banded (fuzzy) matching, the design note's extension beyond the paper. The 256 bits of a PDQ hash
/// are shuffled by a public permutation and cut into <see cref="Bands"/> bands; the list holds the
/// item (band index, band value) for every band of every list hash, and a device probes each band of
/// its photo's hash and every value within <see cref="Radius"/> bit flips of it. A photo whose hash is
/// within a few bits of a list hash agrees with it on some band, up to one flip, and so opens.
/// After the threshold, the exact distance check removes band-only coincidences.
/// </summary>
public sealed class BandParameters
{
    /// <summary>Bits in a PDQ hash.</summary>
    public const int HashBits = 256;

    /// <summary>Bytes of one band item: the band index, then the band's value in 7 bytes, little-endian.</summary>
    public const int ItemSize = 8;

    /// <summary>Bytes of the permutation seed.</summary>
    public const int SeedSize = 32;

    /// <summary>The design note's choice: 5 bands of 51 or 52 bits, radius 1.</summary>
    public static BandParameters Default(byte[]? seed = null) =>
        new(5, 1, seed ?? RandomNumberGenerator.GetBytes(SeedSize), DefaultSyntheticWeights);

    /// <summary>
    /// How often a synthetic voucher opens 1, 2, ... <see cref="Bands"/> probes (relative weights).
    /// A real match opens one probe per band on which it agrees with a list hash, so the count of
    /// opened probes would tell a real voucher from a synthetic one that always opened one; synthetic
    /// vouchers draw their count from this distribution instead: per cent of the opened vouchers of
    /// edited copies of the fixture images that opened 1, 2, 3, 4 and 5 probes (34, 32, 12, 34 and 36
    /// of 148 over five permutation seeds; docs/benchmarks.md).
    /// </summary>
    public static IReadOnlyList<int> DefaultSyntheticWeights { get; } = [23, 22, 8, 23, 24];

    private readonly byte[] _seed;
    private readonly int[] _permutation;
    private readonly int[] _bandStart;
    private readonly int[] _syntheticWeights;

    /// <summary>Parameters for <paramref name="bands"/> bands (5 to 16), flips up to <paramref name="radius"/> (0 or 1), the permutation from <paramref name="seed"/>.</summary>
    public BandParameters(int bands, int radius, ReadOnlySpan<byte> seed, IReadOnlyList<int> syntheticWeights)
    {
        if (bands is < 5 or > 16)
            throw new ArgumentOutOfRangeException(nameof(bands), bands, "5 to 16 bands (so each is at most 52 bits)");
        if (radius is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "the radius is 0 or 1");
        if (seed.Length != SeedSize)
            throw new ArgumentException($"the permutation seed is {SeedSize} bytes", nameof(seed));
        ArgumentNullException.ThrowIfNull(syntheticWeights);
        if (syntheticWeights.Count != bands)
            throw new ArgumentException($"one synthetic weight per possible count of opened probes (1 to {bands})", nameof(syntheticWeights));
        long total = 0;
        foreach (int weight in syntheticWeights)
        {
            if (weight is < 0 or > 1_000_000)
                throw new ArgumentException("synthetic weights are 0 to 1,000,000", nameof(syntheticWeights));
            total += weight;
        }
        if (total == 0)
            throw new ArgumentException("at least one synthetic weight must be positive", nameof(syntheticWeights));
        Bands = bands;
        Radius = radius;
        _seed = seed.ToArray();
        _syntheticWeights = [.. syntheticWeights];
        _permutation = Permutation(_seed);
        _bandStart = new int[bands + 1];
        for (int b = 0; b <= bands; b++)
            _bandStart[b] = b * HashBits / bands;
    }

    /// <summary>Number of bands.</summary>
    public int Bands { get; }

    /// <summary>Bit flips probed around each band value (0: exact bands only; 1: also every one-bit neighbour).</summary>
    public int Radius { get; }

    /// <summary>The public seed of the bit permutation.</summary>
    public ReadOnlySpan<byte> Seed => _seed;

    /// <summary>Relative weights of 1 .. <see cref="Bands"/> opened probes in a synthetic voucher.</summary>
    public IReadOnlyList<int> SyntheticWeights => _syntheticWeights;

    /// <summary>Width in bits of band <paramref name="band"/>.</summary>
    public int BandWidth(int band) => _bandStart[band + 1] - _bandStart[band];

    /// <summary>Probes a device makes per photo: every band's value and, at radius 1, each of its one-bit neighbours.</summary>
    public int ProbeCount
    {
        get
        {
            int probes = 0;
            for (int b = 0; b < Bands; b++)
                probes += 1 + Radius * BandWidth(b);
            return probes;
        }
    }

    /// <summary>The value of each band of <paramref name="pdq"/> (32 bytes, the usual hex order) after the permutation.</summary>
    public void BandValues(ReadOnlySpan<byte> pdq, Span<ulong> values)
    {
        if (pdq.Length != HashBits / 8)
            throw new ArgumentException("a PDQ hash is 32 bytes", nameof(pdq));
        if (values.Length != Bands)
            throw new ArgumentException($"one value per band ({Bands})", nameof(values));
        values.Clear();
        for (int b = 0; b < Bands; b++)
        {
            ulong value = 0;
            for (int i = _bandStart[b]; i < _bandStart[b + 1]; i++)
            {
                int bit = _permutation[i];
                value = (value << 1) | (uint)((pdq[bit >> 3] >> (7 - (bit & 7))) & 1);
            }
            values[b] = value;
        }
    }

    /// <summary>The list items of a list hash: (band, value) for every band.</summary>
    public void ListItems(ReadOnlySpan<byte> pdq, List<byte[]> items)
    {
        Span<ulong> values = stackalloc ulong[Bands];
        BandValues(pdq, values);
        for (int b = 0; b < Bands; b++)
            items.Add(Item(b, values[b]));
    }

    /// <summary>The probes of a photo's hash, band by band: the value, then (radius 1) each one-bit neighbour.</summary>
    public byte[][] Probes(ReadOnlySpan<byte> pdq)
    {
        Span<ulong> values = stackalloc ulong[Bands];
        BandValues(pdq, values);
        var probes = new byte[ProbeCount][];
        int at = 0;
        for (int b = 0; b < Bands; b++)
        {
            probes[at++] = Item(b, values[b]);
            if (Radius == 0)
                continue;
            for (int flip = 0; flip < BandWidth(b); flip++)
                probes[at++] = Item(b, values[b] ^ (1UL << flip));
        }
        return probes;
    }

    /// <summary>A synthetic voucher's count of opened probes, drawn from <see cref="SyntheticWeights"/> with the CSPRNG.</summary>
    public int DrawSyntheticOpenCount()
    {
        int total = 0;
        foreach (int weight in _syntheticWeights)
            total += weight;
        int pick = RandomNumberGenerator.GetInt32(total);
        for (int k = 0; k < _syntheticWeights.Length; k++)
        {
            pick -= _syntheticWeights[k];
            if (pick < 0)
                return k + 1;
        }
        return _syntheticWeights.Length;
    }

    private static byte[] Item(int band, ulong value)
    {
        var item = new byte[ItemSize];
        BinaryPrimitives.WriteUInt64LittleEndian(item, value << 8 | (uint)band);
        return item;
    }

    /// <summary>Fisher-Yates over the 256 bit positions, driven by SHA-256 of the seed and a counter (public and reproducible).</summary>
    private static int[] Permutation(byte[] seed)
    {
        var permutation = new int[HashBits];
        for (int i = 0; i < HashBits; i++)
            permutation[i] = i;
        Span<byte> block = stackalloc byte[SeedSize + 4];
        Span<byte> digest = stackalloc byte[32];
        seed.CopyTo(block);
        int counter = 0;
        int used = digest.Length;
        for (int i = HashBits - 1; i > 0; i--)
        {
            // Rejection sampling on 16-bit draws keeps the shuffle unbiased.
            int limit = 65536 - 65536 % (i + 1);
            int draw;
            do
            {
                if (used + 2 > digest.Length)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(block[SeedSize..], counter++);
                    SHA256.HashData(block, digest);
                    used = 0;
                }
                draw = BinaryPrimitives.ReadUInt16LittleEndian(digest[used..]);
                used += 2;
            }
            while (draw >= limit);
            int j = draw % (i + 1);
            (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
        }
        return permutation;
    }
}
