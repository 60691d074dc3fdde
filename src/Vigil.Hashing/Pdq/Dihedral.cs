namespace Vigil.Hashing.Pdq;

/// <summary>
/// The eight symmetries of the square. PDQ computes the hash of each rotated or flipped version of
/// an image from the original's DCT, so one pass yields all eight. Order and names follow the
/// reference (and the CSV columns of <c>vigil hash --dihedral</c>).
/// </summary>
public enum DihedralVariant
{
    /// <summary>The image as it is.</summary>
    Original = 0,
    /// <summary>Rotated 90 degrees.</summary>
    Rotate90 = 1,
    /// <summary>Rotated 180 degrees.</summary>
    Rotate180 = 2,
    /// <summary>Rotated 270 degrees.</summary>
    Rotate270 = 3,
    /// <summary>Mirrored top to bottom.</summary>
    FlipX = 4,
    /// <summary>Mirrored left to right.</summary>
    FlipY = 5,
    /// <summary>Transposed about the main diagonal.</summary>
    FlipPlus1 = 6,
    /// <summary>Transposed about the anti-diagonal.</summary>
    FlipMinus1 = 7,
}

/// <summary>All eight dihedral PDQ hashes of one image, with its quality.</summary>
public struct PdqDihedralHashes
{
    /// <summary>Number of variants.</summary>
    public const int Count = 8;

    private HashBuffer _hashes;

    /// <summary>Quality 0..100 of the image (hashes under 50 are not trusted for matching).</summary>
    public int Quality { get; internal set; }

    /// <summary>The hash of one variant.</summary>
    public PdqHash this[DihedralVariant variant]
    {
        readonly get => _hashes[(int)variant];
        internal set => _hashes[(int)variant] = value;
    }

    /// <summary>The CSV column / JSON names of the variants, in <see cref="DihedralVariant"/> order.</summary>
    public static ReadOnlySpan<string> Names => s_names;

    private static readonly string[] s_names =
        ["pdq", "rotate90", "rotate180", "rotate270", "flipx", "flipy", "flipplus1", "flipminus1"];

    [System.Runtime.CompilerServices.InlineArray(Count)]
    private struct HashBuffer
    {
        private PdqHash _first;
    }
}

/// <summary>A PDQ hash with its quality (0..100; under 50 the exchanges do not trust it).</summary>
/// <param name="Hash">The hash.</param>
/// <param name="Quality">Gradient-based quality, 0..100.</param>
public readonly record struct PdqResult(PdqHash Hash, int Quality)
{
    /// <summary>The quality under which the industry drops hashes rather than match them.</summary>
    public const int MinimumTrustedQuality = 50;
}
