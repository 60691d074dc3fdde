using Vigil.Hashing.Pdq;
using Vigil.Media.Processing;

namespace Vigil.Video.Guard;

/// <summary>
/// A frame is a hit when its PDQ (of quality at least <see cref="PdqResult.MinimumTrustedQuality"/>) is within the distance
/// of a hash on the list: the list on the device, PDQ hashes only. A frame with uniform borders (letterbox or pillarbox
/// bars, a frame of one colour: <see cref="BorderTrimmer"/>) is also hashed without them, so a known scene shown inside
/// bars is still known. Not thread-safe (one hasher, one crop buffer): one per guard.
/// </summary>
public sealed class PdqListCheck(IReadOnlyList<PdqHash> list, int maxDistance = 31, bool trimBorders = true) : IFrameCheck
{
    private readonly PdqHasher _hasher = new();
    private byte[] _crop = [];

    /// <summary>The distance of the last hit: how near the frame came to a hash on the list.</summary>
    public int LastHitDistance { get; private set; } = -1;

    /// <inheritdoc />
    public bool IsHit(ReadOnlySpan<byte> rgb, int width, int height)
    {
        if (IsNear(rgb, width, height))
            return true;
        if (!trimBorders || BorderTrimmer.Find(rgb, width, height) is not { } picture)
            return false;
        int length = picture.Width * picture.Height * 3;
        if (_crop.Length < length)
            _crop = new byte[length];
        var crop = _crop.AsSpan(0, length);
        for (int y = 0; y < picture.Height; y++)
            rgb.Slice((((picture.Y + y) * width) + picture.X) * 3, picture.Width * 3).CopyTo(crop[(y * picture.Width * 3)..]);
        return IsNear(crop, picture.Width, picture.Height);
    }

    private bool IsNear(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var frame = _hasher.HashRgb(rgb, width, height);
        if (frame.Quality < PdqResult.MinimumTrustedQuality)
            return false;
        foreach (var known in list)
        {
            int distance = PdqHash.Distance(frame.Hash, known);
            if (distance <= maxDistance)
            {
                LastHitDistance = distance;
                return true;
            }
        }
        return false;
    }
}
