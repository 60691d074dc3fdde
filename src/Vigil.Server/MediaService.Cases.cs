using Microsoft.AspNetCore.Http;
using Vigil.Banks;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Matching;
using Vigil.Hashing.Vpdq;
using Vigil.ImageHashing;
using Vigil.Review;
using Vigil.Review.Cases;
using Vigil.Storage;

namespace Vigil.Server;

internal sealed partial class MediaService
{
    /// <summary>
    /// <c>POST /v1/cases</c>: multipart with <c>media</c> (optional) and <c>context</c> (JSON), or the
    /// context alone as a JSON body with its <c>signals</c>. The service hashes and matches; an item
    /// that matched (or whose context gives a reason) joins its subject's open case, its media
    /// sealed into the evidence vault. With <c>classify=true</c> a photo is also scored by the server's classifier: the
    /// score is kept on the item, and a photo nothing matched whose score reaches the threshold opens an item of source
    /// <c>classifier</c> (below every match in the queue).
    /// </summary>
    public async Task<IResult> SubmitCaseAsync(HttpContext context, MatcherHost host, ReviewService review, CancellationToken ct)
    {
        var matcher = host.Matcher;
        if (matcher is null)
            return IndexNotReady();
        bool classify = IsTrue(context.Request.Query["classify"]);
        if (classify && ClassifierMissing() is { } missing)
            return missing;
        CaseContextBody? body;
        MediaBuffer? media = null;
        ContentKind kind = ContentKind.Photo;
        string? mediaType = null;
        if (IsMultipart(context.Request, out _))
        {
            var (upload, uploadError) = await ReadUploadAsync(context, UploadForm.Case, ct);
            if (uploadError is not null)
                return uploadError;
            (media, kind, mediaType) = (upload!.Bytes, upload.Kind, upload.MediaType);
            if (upload.Json is null)
            {
                upload.Dispose();
                return Problems.Result(400, "context required", "send a form field named 'context' holding JSON: {\"subject\": \"USER ID\", ...}");
            }
            var (parsed, error) = JsonBody.Parse(upload.Json, ServerJsonContext.Default.CaseContextBody, null);
            if (error is not null)
            {
                upload.Dispose();
                return error;
            }
            body = parsed;
            if (media is not null && kind == ContentKind.Photo && upload.FileName is not null && body!.FileName is null)
                body = body with { FileName = upload.FileName };
        }
        else
        {
            var (parsed, error) = await JsonBody.ReadAsync(context, ServerJsonContext.Default.CaseContextBody, null, ct);
            if (error is not null)
                return error;
            body = parsed;
        }

        using (media)
        {
            if (CheckContext(body!, media is not null) is { } contextError)
                return contextError;
            var signals = new List<Signal>(2);
            QueryOutcome? outcome = null;
            HashedImage? hashed = null;
            IResult? undecodable = null;
            IReadOnlyList<BankMatch> videoMatches = [];
            Vigil.Classifiers.MediaScore? videoScore = null;
            if (media is null)
            {
                foreach (var (name, value) in body!.Signals!)
                {
                    if (!SignalType.TryFromName(name, out var type))
                        return Problems.Result(400, $"No such SignalType '{name}'", $"known: {CurationEndpoints.KnownTypes()}");
                    if (!type.TryNormalize(value, out string? normal, out string? why))
                        return Problems.Result(400, $"invalid {name}", why);
                    signals.Add(new Signal(type, normal));
                }
            }
            else if (kind == ContentKind.Video)
            {
                var (video, scored, error) = await HashVideoAsync(media, trimBorders: false, classify, ct);
                if (error is not null)
                    return error;
                signals.Add(VpdqSignal.Create(video!.Frames));
                videoScore = scored?.Score;
                string md5 = media.Md5Hex();
                signals.Add(new Signal(SignalType.VideoMd5, md5));
                videoMatches = await MatchVideoAsync(matcher, video.Frames, md5, ct);
            }
            else
            {
                // A photo that does not decode can still match by its MD5; only when nothing matches is the decoder's problem the answer.
                // Its crops for the confirmed bank are made from the vault if a reviewer confirms it (ReviewService), not here.
                (hashed, undecodable) = Hash(media, classify: classify);
                if (hashed is not null)
                {
                    context.Response.Headers[QualityHeader] = hashed.Pdq.Quality.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (hashed.Pdq.Quality >= PdqResult.MinimumTrustedQuality)
                    {
                        signals.Add(new Signal(SignalType.Pdq, hashed.Pdq.Hash.ToString()));
                    }
                }
                signals.Add(new Signal(SignalType.Md5, media.Md5Hex()));
            }
            if (kind == ContentKind.Photo || media is null)
                outcome = await MatchSignalsAsync(matcher, signals, ct);

            var matched = outcome is not null ? CaseMatches.From(outcome.Matches) : CaseMatches.From(videoMatches);
            if (matched.Count == 0 && undecodable is not null)
                return undecodable;
            List<ItemScore> scores = [];
            string? reason = body!.Reason;
            string source = "api";
            bool classified = false;
            if ((hashed?.Score ?? videoScore) is { } score)
            {
                var manifest = settings.Classifier!.Manifest;
                scores.Add(ClassifierScores.ToItemScore(score, manifest));
                classified = matched.Count == 0 && ClassifierScores.OpensCase(score, manifest);
                if (classified)
                    (source, reason) = ("classifier", reason ?? "classifier");
            }
            var scoresJson = ItemScoreJson.From(scores);
            if (matched.Count == 0 && reason is null)
                return Results.Json(new OpenedCaseJson(null, null, false, [], scoresJson), CaseJsonContext.Default.OpenedCaseJson);
            if (media is not null && !review.HasVault)
                return Problems.Result(503, "this server keeps no media",
                    "start it with --vault-key FILE (made by 'vigil review init-key') to keep evidence, or send the context with its signals and no media");
            var item = new NewCaseItem
            {
                Subject = body!.Subject!,
                Source = source,
                Reason = reason,
                // From what raised it: a user report the classifier flagged queues as the classifier's, not as a report.
                Priority = CasePriority.Of(matched, classified, reason),
                Signals = signals,
                Matches = matched,
                Scores = scores,
                Context = body.ToContext(),
            };
            var opened = await review.OpenAsync(item, media is null ? default : media.Memory, mediaType ?? (kind == ContentKind.Video ? "video/mp4" : "image/jpeg"), ct);
            context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?> { ["case"] = opened.CaseId, ["item"] = opened.ItemId, ["matches"] = matched.Count };
            return Results.Json(new OpenedCaseJson(opened.CaseId, opened.ItemId, opened.NewCase, CaseMatchJson.From(matched), scoresJson), CaseJsonContext.Default.OpenedCaseJson,
                statusCode: StatusCodes.Status201Created);
        }
    }

    private static IResult? CheckContext(CaseContextBody body, bool hasMedia)
    {
        if (string.IsNullOrWhiteSpace(body.Subject))
            return Problems.Result(400, "subject required", "context.subject is the platform's user id the media belongs to");
        if (!hasMedia && (body.Signals is null || body.Signals.Count == 0))
            return Problems.Result(400, "media or signals required", "send the file as the form field 'media', or context.signals such as {\"pdq\": \"HEX\"}");
        if (hasMedia && body.Signals is { Count: > 0 })
            return Problems.Result(400, "media and signals both given", "the service hashes the media itself: leave out context.signals when sending media");
        if (body.Reason is { } reason && (reason.Length is 0 or > 100))
            return Problems.Result(400, "invalid reason", "context.reason is 1 to 100 characters, e.g. user_report or classifier");
        if (body.IncidentKindProblem() is { } kindProblem)
            return Problems.Result(400, "invalid incident_kind", kindProblem);
        var probe = new NewCaseItem
        {
            Subject = body.Subject,
            Source = "api",
            Reason = body.Reason,
            Priority = CasePriority.Lowest,
            Signals = [],
            Context = body.ToContext(),
        };
        return CaseValidation.Problem(probe) is { } problem ? Problems.Result(400, "invalid context", problem) : null;
    }

    /// <summary>A photo's or a hash list's signals matched: PDQ within the industry distance, MD5 and other exact signals exactly.</summary>
    private static async Task<QueryOutcome> MatchSignalsAsync(BankMatcher matcher, List<Signal> signals, CancellationToken ct)
    {
        PdqHash[] pdq = [];
        string? md5 = null;
        var exact = new List<Signal>();
        foreach (var signal in signals)
        {
            if (signal.Type == SignalType.Pdq)
                pdq = [PdqHash.Parse(signal.Value)];
            else if (signal.Type == SignalType.Md5)
                md5 = signal.Value;
            else if (!signal.Type.IsPerceptual)
                exact.Add(signal);
        }
        var outcome = await matcher.MatchAsync(pdq, PdqIndex.DefaultMaxDistance, md5, withContent: true, ct);
        if (exact.Count == 0 || outcome.SuppressedBy.Count > 0)
            return outcome;
        var all = new List<BankMatch>(outcome.Matches);
        foreach (var signal in exact)
        {
            var more = await matcher.MatchExactAsync(signal, withContent: true, ct);
            if (more.SuppressedBy.Count > 0)
                return more;
            all.AddRange(more.Matches);
        }
        return new QueryOutcome(all, []);
    }

    private static async Task<IReadOnlyList<BankMatch>> MatchVideoAsync(BankMatcher matcher, IReadOnlyList<VpdqFrame> frames, string md5, CancellationToken ct)
    {
        var outcome = await VideoLookup.Rule.MatchAsync(matcher, frames, md5, ct);
        if (outcome.SuppressedBy.Count > 0)
            return [];
        var matches = new List<BankMatch>();
        foreach (var candidate in outcome.Candidates)
        {
            if (candidate.IsMatch)
                matches.Add(new BankMatch(candidate.Bank, candidate.ContentId, 0, 0, candidate.Signal, candidate.Content));
        }
        return matches;
    }
}
