using Vigil.Hashing.Pdq;

namespace Vigil.Video.Guard;

/// <summary>
/// A frame is a hit when its PDQ (of quality at least <see cref="PdqResult.MinimumTrustedQuality"/>) is within the distance
/// of a hash on the list: the list on the device, PDQ hashes only. Not thread-safe (one hasher): one per guard.
/// </summary>
public sealed class PdqListCheck(IReadOnlyList<PdqHash> list, int maxDistance = 31) : IFrameCheck
{
    private readonly PdqHasher _hasher = new();

    /// <inheritdoc />
    public bool IsHit(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var frame = _hasher.HashRgb(rgb, width, height);
        if (frame.Quality < PdqResult.MinimumTrustedQuality)
            return false;
        foreach (var known in list)
        {
            if (PdqHash.Distance(frame.Hash, known) <= maxDistance)
                return true;
        }
        return false;
    }
}
