using Vigil.Hashing.Pdq;
using Vigil.Media;

namespace Vigil.ImageHashing;

/// <summary>
/// The hashes a decoded query image is matched by, made one way for every surface (<c>vigil match</c> and <c>scan</c>,
/// <c>POST /m/lookup</c>): the plain PDQ (from the full-value grey samples when the python-threatexchange pipeline kept
/// them), the eight dihedral variants, and for <see cref="QueryMode.Robust"/> those of the picture inside the image.
/// Not thread-safe: one per worker.
/// </summary>
public sealed class QueryHasher
{
    private readonly PdqHasher _pdq;
    private readonly InnerPictureHasher _inner;

    /// <summary>A hasher using <paramref name="pdq"/> (a new one when null) and <paramref name="options"/> for robust queries.</summary>
    public QueryHasher(PdqHasher? pdq = null, RobustQueryOptions? options = null)
    {
        _pdq = pdq ?? new PdqHasher();
        _inner = new InnerPictureHasher(_pdq, options);
    }

    /// <summary>The PDQ hasher (for its stage timings).</summary>
    public PdqHasher Pdq => _pdq;

    /// <summary>The hashes of <paramref name="image"/> for <paramref name="mode"/>; position 0 is always the plain hash.</summary>
    public QueryHashes Hash(RgbImage image, QueryMode mode)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (mode == QueryMode.Plain)
            return QueryHashes.Plain(Plain(image));
        var wide = image.WideGrey;
        var all = wide.IsEmpty
            ? _pdq.HashRgbDihedral(image.Pixels, image.Width, image.Height)
            : _pdq.HashGrey16Dihedral(wide, image.Width, image.Height);
        // The dihedral pass's original is the plain hash, except that the reference's plain hash
        // skips the filter on exactly 64x64 inputs (its dihedral path does not).
        var original = image.Width == 64 && image.Height == 64 ? Plain(image) : new PdqResult(all[DihedralVariant.Original], all.Quality);
        var query = QueryHashes.Dihedral(original, all, mode == QueryMode.Robust ? 3 * PdqDihedralHashes.Count : PdqDihedralHashes.Count);
        if (mode == QueryMode.Robust)
            _inner.AddInnerPictures(image, query);
        return query;
    }

    private PdqResult Plain(RgbImage image)
    {
        var wide = image.WideGrey;
        return wide.IsEmpty ? _pdq.HashRgb(image.Pixels, image.Width, image.Height) : _pdq.HashGrey16(wide, image.Width, image.Height);
    }
}
