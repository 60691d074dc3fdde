namespace Vigil.Review.Wellness;

/// <summary>How one reviewer's derivative is made (within the org's limits).</summary>
/// <param name="BlurRadius">Blur strength, pixels of the derivative.</param>
/// <param name="Greyscale">Greyscale.</param>
public sealed record DerivativeSettings(int BlurRadius, bool Greyscale);

/// <summary>Makes the reviewer-safe derivative of clear media: blurred (and greyscale), as PNG; a video as a strip of blurred frames.</summary>
public interface IReviewDerivatives
{
    /// <summary>The PNG derivative of <paramref name="media"/>.</summary>
    /// <exception cref="InvalidDataException">The media cannot be decoded.</exception>
    byte[] Derive(byte[] media, string contentType, DerivativeSettings settings);
}
