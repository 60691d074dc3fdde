using System.Collections.Concurrent;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// How long each reviewer has reviewed since a break, by the key's name (in this server's memory):
/// every page and media request counts as review; a gap of <see cref="ReviewUiSettings.BreakCountsAfter"/>
/// counts as a break, and so does acknowledging the reminder. After <see cref="Vigil.Review.ReviewOptions.BreakInterval"/>
/// the reminder is due and holds: every page shows it until it is acknowledged, and clear media is refused meanwhile.
/// </summary>
public sealed class ReviewBreaks(ServerSettings settings, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Stretch> _stretches = new(StringComparer.Ordinal);
    private readonly TimeSpan _every = settings.Review.BreakInterval;
    private readonly TimeSpan _gap = settings.ReviewUi.BreakCountsAfter;

    private sealed class Stretch(DateTimeOffset now)
    {
        public DateTimeOffset Since = now;
        public DateTimeOffset LastSeen = now;
    }

    /// <summary>Counts a request as review; returns how long until the reminder is due (zero or less: due now).</summary>
    public TimeSpan Touch(string reviewer)
    {
        var now = clock.GetUtcNow();
        var stretch = _stretches.GetOrAdd(reviewer, static (_, now) => new Stretch(now), now);
        lock (stretch)
        {
            // A reminder already due holds however long the gap: only acknowledging it ends it.
            bool due = now - stretch.Since >= _every;
            if (!due && now - stretch.LastSeen >= _gap)
                stretch.Since = now;
            stretch.LastSeen = now;
            return stretch.Since + _every - now;
        }
    }

    /// <summary>Whether the reviewer's reminder is due (without counting this as review).</summary>
    public bool IsDue(string reviewer)
    {
        if (!_stretches.TryGetValue(reviewer, out var stretch))
            return false;
        lock (stretch)
            return clock.GetUtcNow() - stretch.Since >= _every;
    }

    /// <summary>The reviewer acknowledged the reminder: a new stretch starts now.</summary>
    public TimeSpan Acknowledge(string reviewer)
    {
        var now = clock.GetUtcNow();
        var stretch = _stretches.GetOrAdd(reviewer, static (_, now) => new Stretch(now), now);
        lock (stretch)
        {
            stretch.Since = now;
            stretch.LastSeen = now;
        }
        return _every;
    }
}
