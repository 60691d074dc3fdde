using System.Globalization;
using Vigil.Banks;
using Vigil.Hashing.Signals;
using Vigil.Hashing.Vpdq;
using Vigil.Video;
using ByBank = System.Collections.Generic.SortedDictionary<string, System.Collections.Generic.List<System.Collections.Generic.Dictionary<string, object?>>>;

namespace Vigil.Server;

/// <summary>
/// A video lookup in HMA's shape: the exchanges' rule (<see cref="VideoMatchRule"/>: frames within
/// 31, a match at 80% of the query's frames) against the banks, grouped by bank after the coin
/// flip and the bank filter. A vPDQ match's distance is HMA's <c>"query%[compared%]"</c>, e.g.
/// <c>"100%[87%]"</c>; the file found by its MD5 alone has distance <c>"0"</c> under <c>video_md5</c>.
/// </summary>
internal static class VideoLookup
{
    /// <summary>The rule every video lookup applies (thread-safe).</summary>
    public static VideoMatchRule Rule { get; } = new();

    /// <summary>
    /// Matches a video's frames (and its file's MD5, when given) and groups the matches: by their
    /// frames under vpdq, and those found only by the MD5 under video_md5 (each item once, as photos
    /// list an item matched both ways under pdq). A matching video in a negative bank suppresses all.
    /// </summary>
    public static async Task<(ByBank ByVpdq, ByBank ByMd5)>
        MatchAsync(BankMatcher matcher, IReadOnlyList<VpdqFrame> frames, string? videoMd5, LookupOptions options, CancellationToken ct)
    {
        var outcome = await Rule.MatchAsync(matcher, frames, videoMd5, ct);
        return Group(outcome, options, variant: null);
    }

    /// <summary>
    /// As <see cref="MatchAsync"/> for <c>robust=true</c>: the video's plain frames, and when they match nothing its
    /// frames with their borders trimmed (<see cref="VideoMatchRule.MatchRobustAsync"/>); matches the trimmed frames
    /// found say <c>"variant": "trimmed"</c>.
    /// </summary>
    public static async Task<(ByBank ByVpdq, ByBank ByMd5)>
        MatchRobustAsync(BankMatcher matcher, VpdqResult video, string? videoMd5, LookupOptions options, CancellationToken ct)
    {
        var robust = await Rule.MatchRobustAsync(matcher, video, videoMd5, ct);
        return Group(robust.Outcome, options, robust.Variant);
    }

    private static (ByBank ByVpdq, ByBank ByMd5) Group(VideoMatchOutcome outcome, LookupOptions options, string? variant)
    {
        var byVpdq = new ByBank(StringComparer.Ordinal);
        var byMd5 = new ByBank(StringComparer.Ordinal);
        if (outcome.SuppressedBy.Count > 0)
            return (byVpdq, byMd5);
        foreach (var match in outcome.Candidates)
        {
            if (!match.IsMatch || !options.Answers(match.Bank))
                continue;
            bool byFrames = Rule.IsMatch(match.Comparison);
            var item = LookupResponse.Add(byFrames ? byVpdq : byMd5, match.Bank, match.ContentId, byFrames ? Distance(match.Comparison) : "0",
                match.Content, byFrames ? SignalType.Vpdq : SignalType.VideoMd5, options);
            if (options.WithMetadata)
            {
                item["query_percent"] = Math.Round(match.QueryPercent, 2);
                item["compared_percent"] = Math.Round(match.ComparedPercent, 2);
            }
            if (variant is not null && byFrames)
                item["variant"] = variant;
        }
        return (byVpdq, byMd5);
    }

    /// <summary>HMA's vPDQ distance text: both percentages rounded half to even, as Python's <c>{:.0f}</c> does.</summary>
    internal static string Distance(in VideoComparison comparison) => string.Create(CultureInfo.InvariantCulture,
        $"{Math.Round(comparison.QueryPercent, MidpointRounding.ToEven):0}%[{Math.Round(comparison.ComparedPercent, MidpointRounding.ToEven):0}%]");
}
