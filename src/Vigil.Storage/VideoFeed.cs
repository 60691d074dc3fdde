using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>Turns a stored vpdq signal into the index feed's entries: one per matchable frame.</summary>
internal static class VideoFeed
{
    /// <summary>
    /// Passes each matchable frame (quality at least 50, identical hashes once) of the vpdq value to
    /// <paramref name="onEntry"/>. Values are checked when stored, so one that does not parse means
    /// the database was changed behind the store's back: that is an <see cref="InvalidDataException"/>.
    /// </summary>
    public static void EmitFrames(long signalId, long contentId, long bankId, string value, Action<PdqFeedEntry> onEntry)
    {
        Hashing.Pdq.PdqHash[] hashes;
        try
        {
            hashes = VpdqSignal.MatchableHashes(value);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"the stored vpdq signal {signalId} of content {contentId} does not parse: {e.Message}", e);
        }
        foreach (var hash in hashes)
            onEntry(new PdqFeedEntry(signalId, contentId, bankId, hash) { IsVideoFrame = true });
    }
}
