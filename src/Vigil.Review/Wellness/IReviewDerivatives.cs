namespace Vigil.Review.Wellness;

/// <summary>Makes the reviewer-safe derivative of clear media: blurred (and greyscale) as PNG; a video as a strip of blurred frames.</summary>
public interface IReviewDerivatives
{
    /// <summary>The PNG derivative of <paramref name="media"/>, made in memory.</summary>
    /// <exception cref="UndecodableMediaException">The media cannot be decoded.</exception>
    Task<byte[]> DeriveAsync(byte[] media, string contentType, BlurOptions options, CancellationToken cancellationToken);
}

/// <summary>Vigil's own derivatives: <see cref="BlurredImageMaker"/> for images, <see cref="BlurredStripMaker"/> for <c>video/*</c>.</summary>
public sealed class ReviewDerivatives : IReviewDerivatives
{
    /// <inheritdoc/>
    public async Task<byte[]> DeriveAsync(byte[] media, string contentType, BlurOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(contentType);
        if (contentType.StartsWith("video/", StringComparison.OrdinalIgnoreCase))
            return (await BlurredStripMaker.MakeAsync(media, new VideoStripOptions { Blur = options with { MaxSide = VideoStripOptions.DefaultTileMaxSide } },
                cancellationToken)).Png;
        using var maker = new BlurredImageMaker();
        return maker.Make(media, options).Png;
    }
}
