using Vigil.Banks;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Hashing.Vpdq;
using Vigil.Storage;

namespace Vigil.Video;

/// <summary>The settings of the exchanges' video match rule (the defaults are theirs).</summary>
public sealed record VideoMatchOptions
{
    /// <summary>The exchanges' frame distance: frames within 31 bits (inclusive) match.</summary>
    public const int DefaultMaxDistance = 31;

    /// <summary>The exchanges' bar: a video matches when at least 80% of the query's frames match.</summary>
    public const double DefaultQueryPercent = 80;

    /// <summary>Largest distance (inclusive) at which two frames match (0..63).</summary>
    public int MaxDistance { get; init; } = DefaultMaxDistance;

    /// <summary>Frames below this PDQ quality are left out, on both sides (the exchanges: 50).</summary>
    public int MinQuality { get; init; } = VpdqSignal.MinimumQuality;

    /// <summary>A bank video matches when the query's share of matching frames is at least this (0..100).</summary>
    public double QueryPercent { get; init; } = DefaultQueryPercent;

    /// <summary>And when the bank video's share of matching frames is at least this (0..100; the exchanges: 0, not required).</summary>
    public double ComparedPercent { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless every setting is in range.</summary>
    public void Validate()
    {
        if (MaxDistance is < 0 or > 63)
            throw new ArgumentOutOfRangeException(nameof(MaxDistance), MaxDistance, "the frame distance must be 0..63");
        if (MinQuality is < 0 or > 100)
            throw new ArgumentOutOfRangeException(nameof(MinQuality), MinQuality, "the minimum quality must be 0..100");
        if (!(QueryPercent is >= 0 and <= 100))
            throw new ArgumentOutOfRangeException(nameof(QueryPercent), QueryPercent, "the query percentage must be 0..100");
        if (!(ComparedPercent is >= 0 and <= 100))
            throw new ArgumentOutOfRangeException(nameof(ComparedPercent), ComparedPercent, "the compared percentage must be 0..100");
    }
}

/// <summary>How two videos' frames compare (counts of unique frames with quality at least the minimum).</summary>
/// <param name="QueryFrames">The query's frames.</param>
/// <param name="QueryFramesMatched">Of those, how many are within the distance of some frame of the other video.</param>
/// <param name="ComparedFrames">The other (bank) video's frames.</param>
/// <param name="ComparedFramesMatched">Of those, how many are within the distance of some query frame.</param>
public readonly record struct VideoComparison(int QueryFrames, int QueryFramesMatched, int ComparedFrames, int ComparedFramesMatched)
{
    /// <summary>The query's share of matching frames, 0..100 (0 when it has no frames).</summary>
    public double QueryPercent => QueryFrames == 0 ? 0 : 100.0 * QueryFramesMatched / QueryFrames;

    /// <summary>The bank video's share of matching frames, 0..100 (0 when it has no frames).</summary>
    public double ComparedPercent => ComparedFrames == 0 ? 0 : 100.0 * ComparedFramesMatched / ComparedFrames;
}

/// <summary>One bank video compared with a query video.</summary>
/// <param name="Bank">Its bank.</param>
/// <param name="ContentId">Its content id.</param>
/// <param name="Comparison">The frame counts behind the percentages.</param>
/// <param name="IsMatch">True when the rule calls it a match.</param>
/// <param name="Signal"><see cref="SignalType.Vpdq"/>, or <see cref="SignalType.VideoMd5"/> when the file itself is in the bank (then 100% both ways).</param>
/// <param name="Content">Its content row (labels, metadata).</param>
public sealed record VideoMatch(Bank Bank, long ContentId, VideoComparison Comparison, bool IsMatch, SignalType Signal, BankContent? Content)
{
    /// <summary>The query's share of matching frames, 0..100.</summary>
    public double QueryPercent => Signal == SignalType.VideoMd5 ? 100 : Comparison.QueryPercent;

    /// <summary>The bank video's share of matching frames, 0..100.</summary>
    public double ComparedPercent => Signal == SignalType.VideoMd5 ? 100 : Comparison.ComparedPercent;
}

/// <summary>What a query video came to against the banks.</summary>
/// <param name="QueryFrames">The query's frames the rule used (quality at least the minimum, repeats once).</param>
/// <param name="Candidates">Every bank video that some query frame hit, matching or not, matches first (by query% then compared%, descending).</param>
/// <param name="SuppressedBy">Matching videos in negative banks; when there are any, no candidate counts as a match.</param>
public sealed record VideoMatchOutcome(int QueryFrames, IReadOnlyList<VideoMatch> Candidates, IReadOnlyList<VideoMatch> SuppressedBy)
{
    /// <summary>True when some candidate matches (and no negative bank suppressed it).</summary>
    public bool IsMatch
    {
        get
        {
            if (SuppressedBy.Count > 0)
                return false;
            foreach (var candidate in Candidates)
            {
                if (candidate.IsMatch)
                    return true;
            }
            return false;
        }
    }
}

/// <summary>
/// The exchanges' video match rule: frames with PDQ quality below 50 are dropped and identical
/// hashes kept once, on both sides; query% is the share of the query's frames within distance 31
/// (inclusive) of some frame of the bank video, compared% the share of the bank video's frames
/// within 31 of some query frame; a match when query% is at least 80. Against banks, the in-memory
/// index finds the candidate videos (one lookup per query frame), then the percentages are computed
/// per candidate over all frame pairs with a vectorised Hamming distance. Thread-safe.
/// </summary>
public sealed class VideoMatchRule
{
    private readonly VideoMatchOptions _options;

    /// <summary>A rule with these settings (null: the exchanges' defaults).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public VideoMatchRule(VideoMatchOptions? options = null)
    {
        _options = options ?? new VideoMatchOptions();
        _options.Validate();
    }

    /// <summary>The settings.</summary>
    public VideoMatchOptions Options => _options;

    /// <summary>The frames of a video the rule uses: quality at least the minimum, identical hashes once.</summary>
    public PdqHash[] MatchableFrames(IReadOnlyList<VpdqFrame> frames) => VpdqSignal.MatchableHashes(frames, _options.MinQuality);

    /// <summary>Compares two videos' frame lists (all frames; the rule filters them).</summary>
    public VideoComparison Compare(IReadOnlyList<VpdqFrame> query, IReadOnlyList<VpdqFrame> compared) =>
        CompareMatchable(MatchableFrames(query), MatchableFrames(compared));

    /// <summary>Compares two videos given by their matchable frames (see <see cref="MatchableFrames"/>).</summary>
    public VideoComparison CompareMatchable(ReadOnlySpan<PdqHash> query, ReadOnlySpan<PdqHash> compared) =>
        CompareMatchable(query, new FrameLimbs(compared));

    /// <summary>True when a comparison is a match under this rule.</summary>
    public bool IsMatch(in VideoComparison comparison) =>
        comparison.QueryFrames > 0 && comparison.QueryPercent >= _options.QueryPercent && comparison.ComparedPercent >= _options.ComparedPercent;

    private VideoComparison CompareMatchable(ReadOnlySpan<PdqHash> query, FrameLimbs compared)
    {
        var queryHit = new bool[query.Length];
        var comparedHit = new bool[compared.Count];
        HammingKernel.MarkWithin(query, compared, _options.MaxDistance, queryHit, comparedHit);
        return new VideoComparison(query.Length, CountTrue(queryHit), compared.Count, CountTrue(comparedHit));
    }

    /// <summary>
    /// Matches a video (its frames, all of them: the rule filters them) against the banks of
    /// <paramref name="matcher"/>: candidates through the index, then the rule on each. A video in a
    /// negative bank that matches suppresses the others. <paramref name="videoMd5"/> (the file's MD5,
    /// or null) also finds the very file by its <c>video_md5</c>: 100% both ways.
    /// </summary>
    /// <param name="matcher">The banks' matcher.</param>
    /// <param name="frames">The query video's frames.</param>
    /// <param name="videoMd5">The query file's MD5 in lowercase hex, or null.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public async Task<VideoMatchOutcome> MatchAsync(BankMatcher matcher, IReadOnlyList<VpdqFrame> frames, string? videoMd5, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        ArgumentNullException.ThrowIfNull(frames);
        var query = MatchableFrames(frames);
        var candidates = await matcher.FindVideoCandidatesAsync(query, _options.MaxDistance, videoMd5, cancellationToken);
        var results = new List<VideoMatch>(candidates.Count);
        List<VideoMatch>? negative = null;
        foreach (var candidate in candidates)
        {
            var video = await matcher.ReadVideoAsync(candidate.ContentId, _options.MinQuality, cancellationToken);
            if (video is null && !candidate.ExactMd5)
                continue; // removed since the index saw it
            var comparison = video is null ? default : CompareMatchable(query, new FrameLimbs(video.Frames));
            bool isMatch = candidate.ExactMd5 || IsMatch(comparison);
            var match = new VideoMatch(candidate.Bank, candidate.ContentId, comparison, isMatch,
                candidate.ExactMd5 ? SignalType.VideoMd5 : SignalType.Vpdq, video?.Content);
            if (candidate.IsNegative)
            {
                if (isMatch)
                    (negative ??= []).Add(match);
            }
            else
            {
                results.Add(match);
            }
        }
        results.Sort(static (a, b) =>
            a.IsMatch != b.IsMatch ? b.IsMatch.CompareTo(a.IsMatch)
            : a.QueryPercent != b.QueryPercent ? b.QueryPercent.CompareTo(a.QueryPercent)
            : a.ComparedPercent != b.ComparedPercent ? b.ComparedPercent.CompareTo(a.ComparedPercent)
            : a.ContentId.CompareTo(b.ContentId));
        return new VideoMatchOutcome(query.Length, results, negative ?? (IReadOnlyList<VideoMatch>)[]);
    }

    /// <summary>
    /// Matches a video by its plain frames and, when <paramref name="video"/> was hashed with
    /// <see cref="VpdqOptions.TrimBorders"/> and some frames were cropped, by its trimmed frames: a copy matches when
    /// either set meets the rule. The plain outcome is the answer unless it matches nothing (and no negative bank
    /// suppressed it) while the trimmed frames match or are suppressed; then the trimmed outcome is, with
    /// <see cref="RobustVideoOutcome.Variant"/> <c>"trimmed"</c>. The file's MD5 is looked up with the plain frames only.
    /// </summary>
    /// <param name="matcher">The banks' matcher.</param>
    /// <param name="video">The query video's hashes.</param>
    /// <param name="videoMd5">The query file's MD5 in lowercase hex, or null.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public async Task<RobustVideoOutcome> MatchRobustAsync(BankMatcher matcher, VpdqResult video, string? videoMd5, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(video);
        var plain = await MatchAsync(matcher, video.Frames, videoMd5, cancellationToken);
        if (plain.IsMatch || plain.SuppressedBy.Count > 0 || video.Trimmed is not { CroppedFrames: > 0 } trimmed)
            return new RobustVideoOutcome(plain, null);
        var cropped = await MatchAsync(matcher, trimmed.Frames, videoMd5: null, cancellationToken);
        return cropped.IsMatch || cropped.SuppressedBy.Count > 0
            ? new RobustVideoOutcome(cropped, RobustVideoOutcome.Trimmed)
            : new RobustVideoOutcome(plain, null);
    }

    private static int CountTrue(bool[] flags)
    {
        int count = 0;
        foreach (bool flag in flags)
        {
            if (flag)
                count++;
        }
        return count;
    }
}
