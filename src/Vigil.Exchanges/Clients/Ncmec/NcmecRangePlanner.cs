namespace Vigil.Exchanges.Clients.Ncmec;

/// <summary>
/// How long the next time range is. NCMEC's entries are spread unevenly over time and a checkpoint only moves at a
/// range's end, so ranges shrink fast when one holds too much (a kill mid-range loses little) and grow slowly when
/// they hold little (an empty range is one cheap request).
/// </summary>
internal sealed class NcmecRangePlanner(NcmecOptions options, long startSeconds)
{
    private const int ShrinkFactor = 4;
    private const int LowRangesBeforeGrowing = 4;

    private readonly long _max = options.AdaptiveRanges ? (long)options.MaxTimeRange.TotalSeconds : (long)options.TimeRange.TotalSeconds;
    private int _lowRanges;

    /// <summary>The current range length in whole seconds (at least 1).</summary>
    public long Seconds { get; private set; } = Math.Clamp(options.AdaptiveRanges ? startSeconds : (long)options.TimeRange.TotalSeconds, 1,
        options.AdaptiveRanges ? (long)options.MaxTimeRange.TotalSeconds : (long)options.TimeRange.TotalSeconds);

    /// <summary>True (and the range shorter) when a range's first page estimates more entries than one range should hold: read it again shorter.</summary>
    public bool ShouldSplit(long estimate)
    {
        if (!options.AdaptiveRanges || Seconds <= 1 || estimate <= options.MaxEntriesPerRange)
            return false;
        long proportional = (long)(Seconds * ((double)options.MaxEntriesPerRange / estimate));
        Seconds = Math.Max(1, Math.Min(Seconds / ShrinkFactor, proportional));
        _lowRanges = 0;
        return true;
    }

    /// <summary>Adjusts the length after a range was read whole holding <paramref name="entries"/>.</summary>
    public void Finished(long entries)
    {
        if (!options.AdaptiveRanges)
            return;
        if (entries > options.MaxEntriesPerRange / 2)
        {
            Seconds = Math.Max(1, Seconds / ShrinkFactor);
            _lowRanges = 0;
        }
        else if (entries < options.MaxEntriesPerRange / 16 && ++_lowRanges >= LowRangesBeforeGrowing)
        {
            Seconds = Math.Min(_max, Seconds * 2);
            _lowRanges = 0;
        }
        else if (entries >= options.MaxEntriesPerRange / 16)
            _lowRanges = 0;
    }
}
