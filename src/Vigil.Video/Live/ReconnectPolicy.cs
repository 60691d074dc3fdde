namespace Vigil.Video;

/// <summary>
/// Exponential backoff between reconnects to a live stream: <see cref="Initial"/> (0.5 s) doubling up
/// to <see cref="Maximum"/> (30 s), back to the start once frames flow again (<see cref="Reset"/>).
/// </summary>
public sealed class ReconnectPolicy
{
    private TimeSpan _next;

    /// <summary>A policy from <paramref name="initial"/> doubling to <paramref name="maximum"/>.</summary>
    /// <param name="initial">The first wait (0.5 s when null).</param>
    /// <param name="maximum">The longest wait (30 s when null).</param>
    public ReconnectPolicy(TimeSpan? initial = null, TimeSpan? maximum = null)
    {
        Initial = initial ?? TimeSpan.FromSeconds(0.5);
        Maximum = maximum ?? TimeSpan.FromSeconds(30);
        if (Initial <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(initial), "the first wait must be positive");
        if (Maximum < Initial)
            throw new ArgumentOutOfRangeException(nameof(maximum), "the longest wait must be at least the first");
        _next = Initial;
    }

    /// <summary>The first wait.</summary>
    public TimeSpan Initial { get; }

    /// <summary>The longest wait.</summary>
    public TimeSpan Maximum { get; }

    /// <summary>Failed attempts since the last reset.</summary>
    public int Attempts { get; private set; }

    /// <summary>The wait before the next reconnect; each call doubles the one after, up to <see cref="Maximum"/>.</summary>
    public TimeSpan NextDelay()
    {
        var delay = _next;
        Attempts++;
        _next = _next >= Maximum / 2 ? Maximum : _next * 2;
        return delay;
    }

    /// <summary>Frames flow again: the next wait is <see cref="Initial"/>.</summary>
    public void Reset()
    {
        _next = Initial;
        Attempts = 0;
    }
}
