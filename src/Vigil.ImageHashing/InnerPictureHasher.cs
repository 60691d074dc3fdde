using Vigil.Hashing.Pdq;
using Vigil.Media;
using Vigil.Media.Processing;

namespace Vigil.ImageHashing;

/// <summary>
/// The query side of robust matching, for any hash list (lists from exchanges are hashes only): hashes the picture left
/// when uniform borders are trimmed (letterbox, pillarbox, frames, padding) and the main picture found inside a larger
/// plain canvas (a screenshot, a post with a caption block), each with its eight dihedral variants, so that they are
/// matched in the same index pass as the whole image's; and the image with its top or bottom band greyed out, which
/// matches a bank entry whose own media was greyed the same way (<see cref="CaptionBand"/>: a burnt-in caption). Not
/// thread-safe: one per worker.
/// </summary>
public sealed class InnerPictureHasher
{
    /// <summary>The name of the hashes of the picture left when borders are trimmed.</summary>
    public const string Trimmed = "trimmed";

    /// <summary>The name of the hashes of the main picture found inside a plain canvas.</summary>
    public const string Region = "region";

    /// <summary>The name of the hash with its top band greyed out (a caption there; see <see cref="CaptionBand"/>).</summary>
    public const string MaskedTop = "masked-top";

    /// <summary>The name of the hash with its bottom band greyed out.</summary>
    public const string MaskedBottom = "masked-bottom";

    /// <summary>The name of the hash of the picture turned back upright (it was turned a few degrees inside its canvas, the corners filled).</summary>
    public const string Derotated = "derotated";

    /// <summary>A turned picture is turned back at most this large on its long side (PDQ sees 64x64; a full-size turn would cost more than the rest).</summary>
    private const int DerotateMaxSide = 1024;

    /// <summary>The centre crops of a picture turned back that are hashed too: the sizes a bank built from media stores.</summary>
    private static readonly int[] DerotatedCrops = [5, 10];

    private readonly PdqHasher _pdq;
    private readonly RobustQueryOptions _options;

    /// <summary>A hasher using <paramref name="pdq"/> (a new one when null) and <paramref name="options"/> (defaults when null).</summary>
    public InnerPictureHasher(PdqHasher? pdq = null, RobustQueryOptions? options = null)
    {
        _pdq = pdq ?? new PdqHasher();
        _options = options ?? new RobustQueryOptions();
    }

    /// <summary>
    /// Adds to <paramref name="query"/> the dihedral hashes of the picture inside <paramref name="image"/>: the trimmed one
    /// (<see cref="Trimmed"/>) and the region (<see cref="Region"/>) when found, the region only when it is not the trimmed
    /// picture again. Returns the rectangles hashed (for a caller that wants to show them).
    /// </summary>
    public (PixelRect? Trimmed, PixelRect? Region) AddInnerPictures(RgbImage image, QueryHashes query)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(query);
        var trimmed = BorderTrimmer.Find(image, _options.Trim);
        if (trimmed is { } t)
            AddPicture(image, t, Trimmed, query);
        PixelRect? region = null;
        if (_options.FindRegion)
        {
            region = ContentRegionFinder.Find(image, _options.Region);
            if (region is { } r && trimmed is { } near && Close(r, near))
                region = null;
            if (region is { } found)
                AddPicture(image, found, Region, query);
        }
        if (_options.Derotate && FilledRotationFinder.Find(image) is { } turn)
            AddDerotated(image, turn.Degrees, query);
        if (_options.MaskCaptions && image.Height >= 2 * PdqHasher.MinimumDimension)
        {
            AddMasked(image, top: true, MaskedTop, query);
            AddMasked(image, top: false, MaskedBottom, query);
        }
        return (trimmed, region);
    }

    private void AddPicture(RgbImage image, PixelRect rect, string name, QueryHashes query)
    {
        using var picture = ImageEdits.Crop(image, rect.X, rect.Y, rect.Width, rect.Height);
        var hashes = _pdq.HashRgbDihedral(picture.Pixels, picture.Width, picture.Height);
        query.AddVariants(hashes, name);
    }

    private void AddDerotated(RgbImage image, double degrees, QueryHashes query)
    {
        using var small = ImageEdits.ShrinkToFit(image, DerotateMaxSide);
        using var upright = ImageEdits.RotateExtendingEdges(small ?? image, -degrees);
        query.Add(_pdq.HashRgb(upright.Pixels, upright.Width, upright.Height), Derotated);
        // The turn cut wedges off every edge (up to tan(angle) x half the other side deep). Turned back with its edges
        // continued into them, the picture often meets the original's own hash; its centre crops, as a bank built from
        // media stores them (RobustBankHasher), leave the wedges out altogether.
        foreach (int percent in DerotatedCrops)
        {
            using var crop = ImageEdits.CropFraction(upright, percent / 100.0, CropAnchor.Centre);
            if (crop.Width >= PdqHasher.MinimumDimension && crop.Height >= PdqHasher.MinimumDimension)
                query.Add(_pdq.HashRgb(crop.Pixels, crop.Width, crop.Height), $"{Derotated}-crop-{percent}");
        }
    }

    private void AddMasked(RgbImage image, bool top, string name, QueryHashes query)
    {
        using var masked = CaptionBand.Mask(image, top);
        query.Add(_pdq.HashRgb(masked.Pixels, masked.Width, masked.Height), name);
    }

    /// <summary>Two rectangles that differ by under 2% of their size on every side hash alike: one is enough.</summary>
    private static bool Close(PixelRect a, PixelRect b)
    {
        int dx = Math.Max(2, Math.Max(a.Width, b.Width) / 50), dy = Math.Max(2, Math.Max(a.Height, b.Height) / 50);
        return Math.Abs(a.X - b.X) <= dx && Math.Abs(a.Y - b.Y) <= dy
            && Math.Abs(a.X + a.Width - b.X - b.Width) <= dx && Math.Abs(a.Y + a.Height - b.Y - b.Height) <= dy;
    }
}
