using Vigil.Hashing.Pdq;

namespace Vigil.Video.Guard;

/// <summary>
/// A frame is a hit when its PDQ (of quality at least <see cref="PdqResult.MinimumTrustedQuality"/>) is within the distance
/// of a hash on the list: the list on the device, PDQ hashes only. Not thread-safe (one hasher): one per guard.
/// </summary>
public sealed class PdqListCheck(IReadOnlyList<PdqHash> list, int maxDistance = 31) : IFrameCheck
{
    private readonly PdqHasher _hasher = new();

    /// <summary>The distance of the last hit: how near the frame came to a hash on the list.</summary>
    public int LastHitDistance { get; private set; } = -1;

    /// <inheritdoc />
    public bool IsHit(ReadOnlySpan<byte> rgb, int width, int height)
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
