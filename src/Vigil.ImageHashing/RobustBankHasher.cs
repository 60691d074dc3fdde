using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Media;

namespace Vigil.ImageHashing;

/// <summary>One extra hash of a bank image: which variant it is and its PDQ with quality.</summary>
/// <param name="Variant">The variant's name (<see cref="BankVariant.Name"/>).</param>
/// <param name="Pdq">Its hash and quality.</param>
public readonly record struct BankVariantHash(string Variant, PdqResult Pdq);

/// <summary>
/// The bank side of robust matching, where the bank has the media (<c>vigil bank add</c>, confirmed review items):
/// the hashes of a few crops of each image and of it with a caption band greyed out, stored as signals of the same content so that a copy
/// cropped or turned that way matches it. Which variants: <see cref="DefaultVariants"/>, chosen by measurement
/// (docs/quality.md). Not thread-safe: one per worker.
/// </summary>
public sealed class RobustBankHasher
{
    private readonly PdqHasher _pdq;
    private readonly IReadOnlyList<BankVariant> _variants;

    /// <summary>
    /// The variants hashed by default: centre crops of 5%, 10% and 20%, crops keeping each corner at 5%, 10% and 20%,
    /// and the picture with its top or bottom caption band greyed out (17). Chosen by measurement (docs/quality.md): the
    /// 20% crops raised recall over the 934-image set from 77% to 85% for 12% more false matches; small rotations were
    /// left out because their hashes matched only copies turned by the same angle with the same corner fill, and their
    /// black corners made unrelated rotated pictures match each other (the query turns such copies back instead).
    /// </summary>
    public static IReadOnlyList<BankVariant> DefaultVariants { get; } = MakeDefaults();

    private static List<BankVariant> MakeDefaults()
    {
        int[] crops = [5, 10, 20];
        var variants = new List<BankVariant>();
        foreach (int percent in crops)
            variants.Add(BankVariant.CentreCrop(percent));
        foreach (int percent in crops)
        {
            foreach (string corner in (string[])["topleft", "topright", "bottomleft", "bottomright"])
                variants.Add(BankVariant.Corner(percent, corner));
        }
        variants.Add(BankVariant.MaskedBand(top: true));
        variants.Add(BankVariant.MaskedBand(top: false));
        return variants;
    }

    /// <summary>A hasher of <paramref name="variants"/> (<see cref="DefaultVariants"/> when null) using <paramref name="pdq"/> (a new one when null).</summary>
    public RobustBankHasher(PdqHasher? pdq = null, IReadOnlyList<BankVariant>? variants = null)
    {
        _pdq = pdq ?? new PdqHasher();
        _variants = variants ?? DefaultVariants;
    }

    /// <summary>The variants this hasher makes.</summary>
    public IReadOnlyList<BankVariant> Variants => _variants;

    /// <summary>
    /// Adds the variants of trusted quality to <paramref name="signals"/> as <see cref="SignalType.PdqVariant"/> signals, each
    /// once and none equal to the image's own hash <paramref name="own"/> (a poor crop's hash would match what the crop
    /// looks like, not the picture). Returns how many were added.
    /// </summary>
    public static int AddSignals(List<Signal> signals, PdqHash own, IReadOnlyList<BankVariantHash> variants)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(variants);
        int added = 0;
        foreach (var variant in variants)
        {
            if (variant.Pdq.Quality < PdqResult.MinimumTrustedQuality || variant.Pdq.Hash == own)
                continue;
            var signal = new Signal(SignalType.PdqVariant, variant.Pdq.Hash.ToString());
            if (signals.Contains(signal))
                continue;
            signals.Add(signal);
            added++;
        }
        return added;
    }

    /// <summary>The hash of each variant of <paramref name="image"/>, in <see cref="Variants"/> order; a variant too small to hash is left out.</summary>
    public IReadOnlyList<BankVariantHash> Hash(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var hashes = new List<BankVariantHash>(_variants.Count);
        foreach (var variant in _variants)
        {
            using var picture = variant.Make(image);
            if (picture.Width < PdqHasher.MinimumDimension || picture.Height < PdqHasher.MinimumDimension)
                continue;
            hashes.Add(new BankVariantHash(variant.Name, _pdq.HashRgb(picture.Pixels, picture.Width, picture.Height)));
        }
        return hashes;
    }
}
