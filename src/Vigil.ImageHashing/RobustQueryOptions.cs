using Vigil.Media.Processing;

namespace Vigil.ImageHashing;

/// <summary>How <see cref="InnerPictureHasher"/> looks for the picture inside a query image.</summary>
public sealed record RobustQueryOptions
{
    /// <summary>How uniform borders (letterbox, pillarbox, frames) are found; null: the trimmer's defaults.</summary>
    public BorderTrimOptions? Trim { get; init; }

    /// <summary>How the main picture inside a plain canvas (a screenshot, a post) is found; null: the finder's defaults.</summary>
    public RegionFindOptions? Region { get; init; }

    /// <summary>Whether to look for a picture inside a plain canvas besides trimming borders. Default true.</summary>
    public bool FindRegion { get; init; } = true;

    /// <summary>Whether to hash the image with its top and bottom bands greyed out (burnt-in captions). Default true.</summary>
    public bool MaskCaptions { get; init; } = true;

    /// <summary>Whether to turn back a picture turned inside its canvas with plain-filled corners (<see cref="FilledRotationFinder"/>) and hash it. Default true.</summary>
    public bool Derotate { get; init; } = true;
}
