using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.ImageHashing;
using Vigil.Media;

namespace Vigil.Review.Cases;

/// <summary>
/// <see cref="IBankVariantSignals"/> with <see cref="RobustBankHasher"/>'s default variants, decoded the way the server decodes
/// uploads (<paramref name="decodeOptions"/>: the same compat, so the variants are hashes of the pixels the item's own hash saw).
/// Thread-safe: each call decodes with its own decoder (decisions are rare; nothing is pooled).
/// </summary>
public sealed class RobustBankVariantSignals(DecodeOptions? decodeOptions = null) : IBankVariantSignals
{
    /// <inheritdoc/>
    public IReadOnlyList<Signal> Of(ReadOnlySpan<byte> media, string contentType, PdqHash own)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        if (contentType.StartsWith("video/", StringComparison.OrdinalIgnoreCase))
            return [];
        try
        {
            using var decoder = new ImageDecoder(decodeOptions ?? new DecodeOptions());
            using var image = decoder.Decode(media);
            var signals = new List<Signal>();
            RobustBankHasher.AddSignals(signals, own, new RobustBankHasher().Hash(image));
            return signals;
        }
        catch (ImageDecodeException)
        {
            // Media that does not decode matched by its MD5: there are no pictures to vary.
            return [];
        }
    }
}
