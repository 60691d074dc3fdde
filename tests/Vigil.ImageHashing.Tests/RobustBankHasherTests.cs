using Vigil.Hashing.Pdq;
using Vigil.Media.Processing;

namespace Vigil.ImageHashing.Tests;

/// <summary>The bank side: each variant is hashed from the right edit of the image, under its name, and a copy edited alike matches it.</summary>
public class RobustBankHasherTests
{
    [Fact]
    public void Each_default_variant_is_the_hash_of_its_edit_under_its_name()
    {
        using var image = FixturePhotos.Decode(FixturePhotos.Names[0]);
        var pdq = new PdqHasher();
        var hashes = new RobustBankHasher().Hash(image);
        Assert.Equal(RobustBankHasher.DefaultVariants.Select(v => v.Name), hashes.Select(h => h.Variant));
        foreach (var (variant, hash) in RobustBankHasher.DefaultVariants.Zip(hashes))
        {
            using var edited = variant.Make(image);
            Assert.Equal(pdq.HashRgb(edited.Pixels, edited.Width, edited.Height), hash.Pdq);
        }
        Assert.Equal(["crop-centre-5", "crop-centre-10", "crop-centre-20", "crop-topleft-5", "crop-topright-5", "crop-bottomleft-5", "crop-bottomright-5",
            "crop-topleft-10", "crop-topright-10", "crop-bottomleft-10", "crop-bottomright-10",
            "crop-topleft-20", "crop-topright-20", "crop-bottomleft-20", "crop-bottomright-20", "masked-top", "masked-bottom"], hashes.Select(h => h.Variant));
        foreach (var variant in RobustBankHasher.DefaultVariants)
            Assert.Equal(variant.Name, BankVariant.Parse(variant.Name)!.Name);
        Assert.Null(BankVariant.Parse("crop-middle-5"));
        Assert.Null(BankVariant.Parse("rotate+90"));
    }

    [Fact]
    public void A_copy_cropped_like_a_variant_is_near_that_variant_and_far_from_the_plain_hash()
    {
        using var image = FixturePhotos.Decode(FixturePhotos.Names[4]);
        var pdq = new PdqHasher();
        var plain = pdq.HashRgb(image.Pixels, image.Width, image.Height).Hash;
        using var copy = ImageEdits.ReencodeJpeg(image, 70);
        using var cropped = ImageEdits.CropFraction(copy, 0.10, CropAnchor.Centre);
        var query = pdq.HashRgb(cropped.Pixels, cropped.Width, cropped.Height).Hash;
        var variant = new RobustBankHasher().Hash(image).Single(h => h.Variant == "crop-centre-10").Pdq.Hash;
        Assert.True(PdqHash.Distance(query, variant) < PdqHash.Distance(query, plain));
        Assert.True(PdqHash.Distance(query, variant) <= 31, $"distance {PdqHash.Distance(query, variant)}");
    }
}

public class CaptionBandTests
{
    [Fact]
    public void Only_the_band_is_greyed_and_a_captioned_copy_hashes_like_the_masked_original()
    {
        using var image = FixturePhotos.Decode(FixturePhotos.Names[5]);
        using var masked = CaptionBand.Mask(image, top: true);
        int band = (int)Math.Round(image.Height * CaptionBand.Fraction), stride = image.Width * 3;
        Assert.All(masked.Pixels[..(band * stride)].ToArray(), b => Assert.Equal(CaptionBand.Grey, b));
        Assert.True(masked.Pixels[(band * stride)..].SequenceEqual(image.Pixels[(band * stride)..]));

        var pdq = new PdqHasher();
        using var captioned = ImageEdits.DrawCaption(image, "MONDAY MORNING MOOD", CaptionPosition.Top);
        var plain = pdq.HashRgb(image.Pixels, image.Width, image.Height).Hash;
        var query = new QueryHasher().Hash(captioned, QueryMode.Robust);
        int maskedAt = query.Names.ToList().IndexOf(InnerPictureHasher.MaskedTop);
        var bankMasked = pdq.HashRgb(masked.Pixels, masked.Width, masked.Height).Hash;
        Assert.True(PdqHash.Distance(query.Hashes[maskedAt], bankMasked) <= 31, $"masked distance {PdqHash.Distance(query.Hashes[maskedAt], bankMasked)}");
        Assert.True(PdqHash.Distance(query.Hashes[maskedAt], bankMasked) < PdqHash.Distance(query.Hashes[0], plain));
    }
}
