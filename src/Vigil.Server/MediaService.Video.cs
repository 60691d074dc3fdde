using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Http;
using Vigil.Banks;
using Vigil.Hashing.Signals;
using Vigil.Hashing.Vpdq;
using Vigil.Video;
using ByBank = System.Collections.Generic.SortedDictionary<string, System.Collections.Generic.List<System.Collections.Generic.Dictionary<string, object?>>>;

namespace Vigil.Server;

/// <summary>The video side of the media endpoints: uploads and downloads in the <c>video</c> content type.</summary>
internal sealed partial class MediaService
{
    /// <summary><c>POST /h/hash</c> for a video: <c>{"vpdq": "...", "video_md5": "..."}</c> (as <c>types</c> asks).</summary>
    private async Task<IResult> HashVideoAsync(MediaBuffer bytes, Types wanted, CancellationToken ct)
    {
        var json = new Dictionary<string, string>(2, StringComparer.Ordinal);
        if ((wanted & Types.Vpdq) != 0)
        {
            var (video, error) = await _videos.HashAsync(bytes, ct);
            if (error is not null)
                return error;
            json[SignalType.Vpdq.Name] = VpdqSignal.Format(video!.Frames);
        }
        if ((wanted & Types.VideoMd5) != 0)
            json[SignalType.VideoMd5.Name] = bytes.Md5Hex();
        return Results.Json(json);
    }

    /// <summary><c>POST /m/lookup</c> for a video: <c>{"vpdq": {"BANK": [...]}}</c>, and <c>video_md5</c> when the file itself matched (or was asked for).</summary>
    private async Task<(Dictionary<string, ByBank>? Result, IResult? Error)> LookupVideoAsync(
        HttpContext context, BankMatcher matcher, MediaBuffer bytes, MediaLookupQuery query, TypeChoice choice, Types wanted, CancellationToken ct)
    {
        if (IsTrue(query.Dihedral))
            return (null, Problems.Result(400, "dihedral applies to photos", "videos are matched by their frames as they are; leave out dihedral=true"));
        // robust=true: the frames as they are and with their borders trimmed (one decode); a copy matches by either.
        bool robust = IsTrue(query.Robust);
        bool classify = IsTrue(query.Classify);
        if (classify && ClassifierMissing() is { } missing)
            return (null, missing);
        VpdqResult? video = null;
        Vigil.Classifiers.VideoScore? score = null;
        if ((wanted & Types.Vpdq) != 0)
        {
            var (hashed, scored, error) = await HashVideoAsync(bytes, robust, classify, ct);
            if (error is not null)
                return (null, error);
            (video, score) = (hashed, scored);
        }
        else if (classify)
        {
            var (scored, classifyError) = await ClassifyVideoAsync(bytes, ct);
            if (classifyError is not null)
                return (null, classifyError);
            score = scored;
        }
        if (score is not null)
            ClassifierHeaders.Write(context.Response, score.Score, settings.Classifier!.Manifest);
        string? md5 = (wanted & Types.VideoMd5) != 0 ? bytes.Md5Hex() : null;
        var options = LookupOptions.From(query.Banks, query.Seed, query.BypassCoinflip, query.Include, LookupActions.Wanted(context));
        var (byVpdq, byMd5) = robust && video is not null
            ? await VideoLookup.MatchRobustAsync(matcher, video, md5, options, ct)
            : await VideoLookup.MatchAsync(matcher, video?.Frames ?? [], md5, options, ct);
        var result = new Dictionary<string, ByBank>(2, StringComparer.Ordinal);
        if ((wanted & Types.Vpdq) != 0)
            result[SignalType.Vpdq.Name] = byVpdq;
        if ((wanted & Types.VideoMd5) != 0 && (choice.IsExplicit || byMd5.Count > 0))
            result[SignalType.VideoMd5.Name] = byMd5;
        var parts = new List<(SignalType, ByBank)>(2);
        if ((wanted & Types.Vpdq) != 0)
            parts.Add((SignalType.Vpdq, byVpdq));
        if ((wanted & Types.VideoMd5) != 0)
            parts.Add((SignalType.VideoMd5, byMd5));
        LookupResponse.Done(context, [.. parts]);
        if (options.ActionMatches is { Count: > 0 } matches)
        {
            // The video's file hash, not its frames (a vpdq signal is long; the bank entry says which video).
            var signals = new Dictionary<string, string>(1, StringComparer.Ordinal);
            if (md5 is not null)
                signals[SignalType.VideoMd5.Name] = md5;
            await LookupActions.RaiseAsync(context, matches, signals, ct);
        }
        return (result, null);
    }

    /// <summary>
    /// <c>POST /c/bank/NAME/content</c> for a video, as <c>vigil bank add</c>: its vpdq (one frame a
    /// second) and video_md5, with the video's size, rate, duration and frame counts in the metadata.
    /// </summary>
    private async Task<IResult?> AddVideoSignalsAsync(MediaBuffer bytes, Types wanted, List<Signal> signals, Dictionary<string, object?> stored,
        CancellationToken ct)
    {
        if ((wanted & Types.Vpdq) != 0)
        {
            var (video, error) = await _videos.HashAsync(bytes, ct);
            if (error is not null)
                return error;
            signals.Add(VpdqSignal.Create(video!.Frames));
            foreach (var (name, value) in video.Describe(fileName: null))
                stored[name] = value;
        }
        if ((wanted & Types.VideoMd5) != 0)
            signals.Add(new Signal(SignalType.VideoMd5, bytes.Md5Hex()));
        return null;
    }

    /// <summary>
    /// A video's vPDQ (and with <paramref name="trimBorders"/> its trimmed frames) and, with <paramref name="classify"/>, the
    /// classifier's score of the frames the hash is made from, handed over by the hashing pass: one decode for both. The
    /// problem when the video cannot be hashed or the classifier fails (502).
    /// </summary>
    private async Task<(VpdqResult? Video, Vigil.Classifiers.VideoScore? Score, IResult? Error)> HashVideoAsync(MediaBuffer bytes, bool trimBorders,
        bool classify, CancellationToken ct)
    {
        using var scorer = classify ? new Vigil.Classifiers.VideoFrameScorer(settings.Classifier!) : null;
        var (video, error) = await _videos.HashAsync(bytes, ct, trimBorders, onFrame: scorer is null ? null : scorer.AddAsync);
        if (error is not null || scorer is null)
            return (video, null, error);
        try
        {
            return (video, await scorer.FinishAsync(ct), null);
        }
        catch (Vigil.Classifiers.ClassifierException e)
        {
            return (null, null, ClassifierFailed(e));
        }
    }

    /// <summary>
    /// A video scored by the server's classifier alone (no vPDQ asked for): its frames sampled once a second, the highest
    /// frame's score the video's; the problem when there is no classifier or it fails.
    /// </summary>
    private async Task<(Vigil.Classifiers.VideoScore? Score, IResult? Error)> ClassifyVideoAsync(MediaBuffer bytes, CancellationToken ct)
    {
        if (ClassifierMissing() is { } missing)
            return (null, missing);
        try
        {
            return (await Vigil.Classifiers.VideoClassification.ClassifyAsync(settings.Classifier!, bytes.Memory, cancellationToken: ct), null);
        }
        catch (Vigil.Media.Video.VideoDecodeException e)
        {
            return (null, Problems.Result(422, "could not decode video", e.Message));
        }
        catch (Vigil.Classifiers.ClassifierException e)
        {
            return (null, ClassifierFailed(e));
        }
    }
}
