using Vigil.Hashing.Pdq;

namespace Vigil.Video;

/// <summary>One sampled, hashed frame of a watched stream.</summary>
/// <param name="FrameNumber">The frame's number in this connection's decoded stream.</param>
/// <param name="TimestampSeconds">The frame's time in this connection's stream, in seconds.</param>
/// <param name="Quality">PDQ quality, 0 to 100.</param>
/// <param name="Hash">The frame's PDQ hash.</param>
/// <param name="ReceivedAt">When the decoded frame reached this process (for latency traces; default when unknown).</param>
/// <param name="HashTime">How long hashing it took (for latency traces).</param>
public readonly record struct WatchFrame(long FrameNumber, double TimestampSeconds, int Quality, PdqHash Hash,
    DateTimeOffset ReceivedAt = default, TimeSpan HashTime = default)
{
    /// <summary>
    /// The PDQ of the frame cropped to the picture rectangle of the stream's recent frames (<see cref="BorderWindow"/>),
    /// when borders are trimmed and the window agrees on one; null otherwise.
    /// </summary>
    public PdqResult? Trimmed { get; init; }
}

/// <summary>A match of one frame in a bank, as the watcher needs it.</summary>
/// <param name="Bank">The bank's name.</param>
/// <param name="ContentId">The bank content matched.</param>
/// <param name="Distance">PDQ distance.</param>
/// <param name="Variant">Which of the frame's hashes matched: null for the frame as it is, <c>trimmed</c> for it with its borders trimmed.</param>
public readonly record struct WatchMatch(string Bank, long ContentId, int Distance, string? Variant = null);

/// <summary>Where a watcher's frames come from: ffmpeg in production, a list in tests.</summary>
public interface IWatchFrameSource
{
    /// <summary>Whether the input is a live stream: one that ends or stalls is reconnected rather than finished.</summary>
    bool IsLive { get; }

    /// <summary>
    /// Opens the input once (one connection) and yields its sampled, hashed frames until it ends;
    /// throws when it stalls, disconnects or cannot be decoded. Called again for each reconnect.
    /// </summary>
    /// <param name="cancellationToken">Stops reading (and the decoder).</param>
    IAsyncEnumerable<WatchFrame> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>Matches one frame hash against the banks.</summary>
public interface IWatchMatcher
{
    /// <summary>The matches of <paramref name="hash"/> within <paramref name="maxDistance"/> (after the banks' rules).</summary>
    /// <param name="hash">The frame's PDQ hash.</param>
    /// <param name="maxDistance">Largest distance that matches.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<IReadOnlyList<WatchMatch>> MatchAsync(PdqHash hash, int maxDistance, CancellationToken cancellationToken);
}
