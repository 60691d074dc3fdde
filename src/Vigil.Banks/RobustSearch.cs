namespace Vigil.Banks;

/// <summary>
/// How a robust query is searched: its first <see cref="OwnHashes"/> hashes (the whole image and its rotations and
/// flips) match the banks' hashes within the query's distance, as a <c>--dihedral</c> query's do; its extras (pictures
/// found inside it: trimmed, in a canvas, with a caption band greyed) match them, and every hash matches the banks' own
/// variants (<see cref="Vigil.Hashing.Signals.SignalType.PdqVariant"/>), only within <see cref="ExtraMaxDistance"/>.
/// </summary>
/// <remarks>
/// Every extra hash is another chance to meet an unrelated picture; measured with <c>vigil bench quality</c>
/// (docs/quality.md), two thirds of the distance keeps what the extras find (they are near copies of the picture: a
/// trimmed letterbox or a stored crop lands within a few bits; a crop between the stored sizes within 20 or so) and
/// drops most of the false matches they add (half the distance dropped a few more, and most crops between sizes).
/// </remarks>
/// <param name="OwnHashes">How many leading query hashes are the whole image's (0..the query's length).</param>
/// <param name="ExtraMaxDistance">The largest distance at which an extra, or a bank's variant, matches (0..63).</param>
public sealed record RobustSearch(int OwnHashes, int ExtraMaxDistance)
{
    /// <summary>The distance for extras that goes with a query distance: two thirds of it, rounded down (20 for the usual 31).</summary>
    public static int ExtraDistanceFor(int maxDistance) => maxDistance * 2 / 3;

    /// <summary>The search for a robust query of <paramref name="ownHashes"/> whole-image hashes at <paramref name="maxDistance"/>.</summary>
    public static RobustSearch For(int maxDistance, int ownHashes) => new(ownHashes, ExtraDistanceFor(maxDistance));
}
