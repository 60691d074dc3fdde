using System.Numerics;

namespace Vigil.Matching;

/// <summary>
/// The bucket prefixes to probe: every mask over a prefix of <see cref="Bits"/> bits with at most
/// <see cref="MaxFlips"/> bits set, fewest first, so probing within distance r of the query's prefix
/// is XOR with the first <see cref="CountWithin"/>(r) masks.
/// </summary>
internal sealed class FlipMasks
{
    /// <summary>Largest number of flipped bits enumerated: wider radii read levels linearly.</summary>
    public const int MaxFlips = PdqLevel.LinearChunkRadius - 1;

    private static readonly FlipMasks?[] s_byWidth = new FlipMasks?[PdqLevel.MaxPrefixBits + 1];

    private readonly uint[] _masks;
    private readonly int[] _countWithin;

    private FlipMasks(int bits)
    {
        Bits = bits;
        var masks = new List<uint>();
        _countWithin = new int[MaxFlips + 1];
        for (int flips = 0; flips <= MaxFlips; flips++)
        {
            for (uint m = 0; m < 1u << bits; m++)
            {
                if (BitOperations.PopCount(m) == flips)
                    masks.Add(m);
            }
            _countWithin[flips] = masks.Count;
        }
        _masks = [.. masks];
    }

    /// <summary>The masks for prefixes of <paramref name="bits"/> bits (built once per width).</summary>
    public static FlipMasks For(int bits)
    {
        var masks = Volatile.Read(ref s_byWidth[bits]);
        if (masks is null)
        {
            masks = new FlipMasks(bits);
            Volatile.Write(ref s_byWidth[bits], masks);
        }
        return masks;
    }

    /// <summary>Prefix width in bits.</summary>
    public int Bits { get; }

    /// <summary>The masks, those with fewer bits set first.</summary>
    public uint[] Masks => _masks;

    /// <summary>Number of masks with at most <paramref name="flips"/> bits set (0..<see cref="MaxFlips"/>).</summary>
    public int CountWithin(int flips) => _countWithin[Math.Clamp(flips, 0, MaxFlips)];
}
