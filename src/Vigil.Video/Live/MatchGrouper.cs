namespace Vigil.Video;

/// <summary>
/// Groups consecutive matches of the same bank content into one event: a content's first matching
/// frame raises an event; its later matches are quiet until it has not matched for more than
/// <see cref="Gap"/> of stream time, after which the next match raises a new event. Contents are
/// grouped independently (two interleaved contents give one event each). Not thread-safe.
/// </summary>
/// <param name="gap">How long (stream time) a content must go unmatched before a match of it is news again.</param>
public sealed class MatchGrouper(TimeSpan gap)
{
    private readonly Dictionary<(string Bank, long ContentId), double> _lastSeen = [];
    private double _lastPrune = double.NegativeInfinity;

    /// <summary>The default gap: 5 s of stream time.</summary>
    public static readonly TimeSpan DefaultGap = TimeSpan.FromSeconds(5);

    /// <summary>The gap after which a content matching again is a new event.</summary>
    public TimeSpan Gap { get; } = gap >= TimeSpan.Zero ? gap : throw new ArgumentOutOfRangeException(nameof(gap), "the gap cannot be negative");

    /// <summary>Contents currently inside a group (matched within the gap, as of the last frame seen).</summary>
    public int OpenGroups => _lastSeen.Count;

    /// <summary>
    /// Takes one frame's matches (a content matched several times in the frame counts once, at its
    /// smallest distance, with that match's variant) and returns the events it raises, in the order of the matches.
    /// </summary>
    /// <param name="time">Wall-clock time for the events.</param>
    /// <param name="frame">The frame's number.</param>
    /// <param name="streamSeconds">The frame's position in the stream (must not go backwards).</param>
    /// <param name="quality">The frame's PDQ quality.</param>
    /// <param name="matches">The frame's matches.</param>
    public IReadOnlyList<WatchEvent> Observe(DateTimeOffset time, long frame, double streamSeconds, int quality, IReadOnlyList<WatchMatch> matches)
    {
        double gap = Gap.TotalSeconds;
        if (streamSeconds - _lastPrune > gap)
        {
            // Forget groups that have closed, so a long watch does not accumulate every content it saw.
            foreach (var (key, seen) in _lastSeen)
                if (streamSeconds - seen > gap)
                    _lastSeen.Remove(key);
            _lastPrune = streamSeconds;
        }
        if (matches.Count == 0)
            return [];

        // One entry per content, in the order of its first match, at its smallest distance.
        var best = new Dictionary<(string Bank, long ContentId), WatchMatch>();
        var order = new List<(string Bank, long ContentId)>();
        foreach (var m in matches)
        {
            var key = (m.Bank, m.ContentId);
            if (best.TryGetValue(key, out var seenMatch))
            {
                if (m.Distance < seenMatch.Distance)
                    best[key] = m;
            }
            else
            {
                best[key] = m;
                order.Add(key);
            }
        }
        List<WatchEvent>? events = null;
        foreach (var key in order)
        {
            bool news = !_lastSeen.TryGetValue(key, out double seen) || streamSeconds - seen > gap;
            _lastSeen[key] = streamSeconds;
            if (news)
            {
                var m = best[key];
                (events ??= []).Add(new WatchEvent(time, frame, streamSeconds, key.Bank, key.ContentId, m.Distance, quality) { Variant = m.Variant });
            }
        }
        return events is null ? [] : events;
    }
}
