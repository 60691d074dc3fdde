using Vigil.Hashing.Pdq;
using Vigil.Media;
using Vigil.Media.Processing;

namespace Vigil.ImageHashing.Tests;

/// <summary>
/// The query hashes: plain and dihedral are exactly what PdqHasher makes (plain matching is unchanged), and robust finds
/// the picture inside bars, borders and plain canvases so that edited copies of the fixture photos match their originals.
/// </summary>
public class QueryHasherTests
{
    private const int Threshold = 31;

    private static int Best(QueryHashes query, PdqHash original, out string via)
    {
        int best = int.MaxValue;
        via = "";
        for (int i = 0; i < query.Count; i++)
        {
            int d = PdqHash.Distance(query.Hashes[i], original);
            if (d < best)
                (best, via) = (d, query.Names[i]);
        }
        return best;
    }

    [Theory]
    [MemberData(nameof(FixturePhotos.All), MemberType = typeof(FixturePhotos))]
    public void Plain_and_dihedral_hashes_are_exactly_PdqHashers(string name)
    {
        using var image = FixturePhotos.Decode(name);
        var pdq = new PdqHasher();
        var plain = new QueryHasher().Hash(image, QueryMode.Plain);
        Assert.Equal(new PdqResult(plain.Hashes[0], plain.Qualities[0]), pdq.HashRgb(image.Pixels, image.Width, image.Height));
        Assert.Equal(["pdq"], plain.Names);

        var dihedral = new QueryHasher().Hash(image, QueryMode.Dihedral);
        var all = pdq.HashRgbDihedral(image.Pixels, image.Width, image.Height);
        Assert.Equal(PdqDihedralHashes.Names.ToArray(), dihedral.Names);
        for (int v = 0; v < PdqDihedralHashes.Count; v++)
            Assert.Equal(all[(DihedralVariant)v], dihedral.Hashes[v]);
    }

    [Fact]
    public void A_64x64_image_keeps_the_references_plain_hash_first()
    {
        var random = new Random(7);
        var pixels = new byte[64 * 64 * 3];
        random.NextBytes(pixels);
        using var image = RgbImage.FromPixels(64, 64, pixels);
        var plain = new PdqHasher().HashRgb(image.Pixels, 64, 64);
        Assert.Equal(plain.Hash, new QueryHasher().Hash(image, QueryMode.Dihedral).Hashes[0]);
        Assert.Equal(plain.Hash, new QueryHasher().Hash(image, QueryMode.Robust).Hashes[0]);
    }

    private static RgbImage Frame(RgbImage image, string how) => how switch
    {
        "letterbox" => ImageEdits.Letterbox(image, 0.125, Rgb.Black),
        "pillarbox" => ImageEdits.Pillarbox(image, 0.125, Rgb.Black),
        "border" => ImageEdits.AddBorder(image, Math.Max(2, Math.Min(image.Width, image.Height) * 6 / 100), Rgb.White),
        _ => ImageEdits.ScreenshotCanvas(image, 11),
    };

    /// <summary>
    /// Framed copies of the nine fixture photos match their originals through the picture inside, where the whole
    /// image's hashes do not; one photo of the nine may be missed (q1050's own dark edge runs into black bars, q0746's
    /// pale edge into the page: the figures on larger sets are in docs/quality.md).
    /// </summary>
    [Theory]
    [InlineData("letterbox")]
    [InlineData("pillarbox")]
    [InlineData("border")]
    [InlineData("screenshot")]
    public void Framed_copies_match_their_originals_through_the_picture_inside(string how)
    {
        var missed = new List<string>();
        foreach (string name in FixturePhotos.Names)
        {
            using var original = FixturePhotos.Decode(name);
            var hash = new PdqHasher().HashRgb(original.Pixels, original.Width, original.Height).Hash;
            using var framed = Frame(original, how);
            var robust = new QueryHasher().Hash(framed, QueryMode.Robust);
            int best = Best(robust, hash, out string via);
            if (best > Threshold || !(via.StartsWith(InnerPictureHasher.Trimmed, StringComparison.Ordinal) || via.StartsWith(InnerPictureHasher.Region, StringComparison.Ordinal)))
                missed.Add($"{name}: {best} via {via}");
            // The first eight are the whole image's dihedral hashes, as a --dihedral query has them; none of them finds the framed copy.
            var dihedral = new QueryHasher().Hash(framed, QueryMode.Dihedral);
            Assert.Equal(dihedral.Hashes, robust.Hashes.Take(PdqDihedralHashes.Count));
        }
        Assert.True(missed.Count <= 1, $"{how}: missed {string.Join("; ", missed)}");
    }

    [Theory]
    [MemberData(nameof(FixturePhotos.All), MemberType = typeof(FixturePhotos))]
    public void A_full_bleed_photo_adds_no_other_picture_and_padding_is_trimmed(string name)
    {
        using var image = FixturePhotos.Decode(name);
        var robust = new QueryHasher().Hash(image, QueryMode.Robust);
        var hash = robust.Hashes[0];
        // Either nothing was found inside, or what was found is the photo again (a trim of its own uniform edge). LabelMe's
        // q0291 and q1050 carry real grey padding strips (7-11 px) from the dataset, which the trimmer rightly removes.
        bool padded = name.EndsWith("q0291.jpg", StringComparison.Ordinal) || name.EndsWith("q1050.jpg", StringComparison.Ordinal);
        Assert.Equal(padded, robust.Names.Contains(InnerPictureHasher.Trimmed));
        for (int i = PdqDihedralHashes.Count; i < robust.Count; i++)
        {
            if (!padded && robust.Names[i] is InnerPictureHasher.Trimmed or InnerPictureHasher.Region)
                Assert.True(PdqHash.Distance(robust.Hashes[i], hash) <= Threshold, $"{name}: {robust.Names[i]} is a different picture");
        }
        // The caption bands are always there, last; a photo that was not turned is not turned back.
        Assert.Equal([InnerPictureHasher.MaskedTop, InnerPictureHasher.MaskedBottom], robust.Names.TakeLast(2));
        Assert.DoesNotContain(robust.Names, n => n.StartsWith(InnerPictureHasher.Derotated, StringComparison.Ordinal));
    }

    /// <summary>
    /// Copies of the fixture photos turned 5 degrees (black or white corners) are turned back, and their centre crops
    /// meet the crops a bank built from the photo stores within a robust query's distance for extras; the whole image's
    /// hashes do not. Most of the nine must be found (they are 256-480 px: the angle is read to about a degree).
    /// </summary>
    [Theory]
    [InlineData(5.0, 0)]
    [InlineData(-5.0, 255)]
    public void Turned_copies_meet_a_media_banks_crops_once_turned_back(double degrees, byte fill)
    {
        var found = new List<string>();
        int extra = 2 * Threshold / 3;
        foreach (string name in FixturePhotos.Names)
        {
            using var original = FixturePhotos.Decode(name);
            var bank = new RobustBankHasher().Hash(original).Select(v => v.Pdq.Hash).ToArray();
            var own = new PdqHasher().HashRgb(original.Pixels, original.Width, original.Height).Hash;
            using var turned = ImageEdits.Rotate(original, degrees, new Rgb(fill, fill, fill));
            var robust = new QueryHasher().Hash(turned, QueryMode.Robust);
            Assert.True(Best(new QueryHasher().Hash(turned, QueryMode.Dihedral), own, out _) > Threshold, $"{name}: the whole image already matches");
            for (int i = 0; i < robust.Count; i++)
            {
                if (robust.Names[i].StartsWith(InnerPictureHasher.Derotated, StringComparison.Ordinal) && bank.Any(b => PdqHash.Distance(b, robust.Hashes[i]) <= extra))
                {
                    found.Add(name);
                    break;
                }
            }
        }
        Assert.True(found.Count >= 6, $"turned {degrees}: found {found.Count} of 9 ({string.Join(", ", found)})");
    }

    /// <summary>
    /// Against a plain hash list (the photo's own hash, nothing else), a copy turned 5 degrees is found by the picture
    /// turned back, because the parts the turn cut off are continued from the picture beside them rather than painted
    /// the fill colour (painted, they were strong new edges: 1 of these 18 copies met the plain hash, now 6 do; of the eval set's
    /// wallpapers 6% then, 73% now).
    /// </summary>
    [Theory]
    [InlineData(5.0, 0)]
    [InlineData(-5.0, 255)]
    public void Turned_copies_turned_back_meet_the_photos_own_hash(double degrees, byte fill)
    {
        var found = new List<string>();
        int extra = 2 * Threshold / 3;
        foreach (string name in FixturePhotos.Names)
        {
            using var original = FixturePhotos.Decode(name);
            var own = new PdqHasher().HashRgb(original.Pixels, original.Width, original.Height).Hash;
            using var turned = ImageEdits.Rotate(original, degrees, new Rgb(fill, fill, fill));
            var robust = new QueryHasher().Hash(turned, QueryMode.Robust);
            int at = robust.Names.ToList().IndexOf(InnerPictureHasher.Derotated);
            if (at >= 0 && PdqHash.Distance(own, robust.Hashes[at]) <= extra)
                found.Add(name);
        }
        Assert.True(found.Count >= MinimumTurnedFound, $"turned {degrees}: found {found.Count} of 9 ({string.Join(", ", found)})");
    }

    private const int MinimumTurnedFound = 3;

    [Fact]
    public void Trusted_leaves_out_hashes_below_the_quality_and_keeps_the_names_in_step()
    {
        using var flat = RgbImage.FromPixels(100, 80, Enumerable.Repeat((byte)128, 100 * 80 * 3).ToArray());
        var query = new QueryHasher().Hash(flat, QueryMode.Robust);
        var (hashes, names) = query.Trusted(PdqResult.MinimumTrustedQuality);
        Assert.Empty(hashes);
        Assert.Empty(names);
        var (all, allNames) = query.Trusted(0);
        Assert.Equal(query.Count, all.Length);
        Assert.Equal(query.Names, allNames);
    }
}
