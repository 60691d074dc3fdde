using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;

namespace Vigil.Review.Cases;

/// <summary>
/// The bank-side variants of a confirmed item's media (its crops and caption-masked pictures as <see cref="SignalType.PdqVariant"/>
/// signals), made when the item is confirmed from the media in the evidence vault, so that the next cropped copy matches the
/// confirmed bank. Made at decision time, not at submission: most submitted items are never confirmed, and intake stays one
/// decode and one hash.
/// </summary>
public interface IBankVariantSignals
{
    /// <summary>
    /// The variant signals of <paramref name="media"/> (clear bytes, in memory), none equal to the item's own hash
    /// <paramref name="own"/>; empty when the media is not a picture this can decode.
    /// </summary>
    IReadOnlyList<Signal> Of(ReadOnlySpan<byte> media, string contentType, PdqHash own);
}
