using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Classifiers;
using Vigil.Classifiers.Onnx;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>
/// <c>vigil serve --classifier</c>: uploads sent with <c>classify=true</c> are scored by a brightness model the test
/// writes (each fixture photo's score is its mean brightness, computed here). <c>POST /m/lookup</c> gives the score in
/// headers and HMA's body unchanged; <c>POST /v1/cases</c> keeps it on the item and opens a <c>classifier</c> item for
/// a photo nothing matched whose score reaches the threshold.
/// </summary>
public sealed class ClassifierEndpointTests : LiveServerTest
{
    private const string Bright = "pdq/data/reg-test-input/labelme-subset/q0003.jpg";
    private const string Dim = "pdq/data/reg-test-input/labelme-subset/q2821.jpg";
    private const double Threshold = 0.55;

    private readonly TempDirectory _dir = new("vigil-classifier-");
    private EvidenceVault? _vault;
    private IMediaClassifier? _classifier;

    protected override Task AfterServerStopsAsync()
    {
        _classifier?.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    protected override ServerSettings Settings => base.Settings with
    {
        EvidenceVault = _vault ??= new EvidenceVault(KeyFileWrapper.Create(_dir.File("vault.key"))),
        Classifier = _classifier ??= OpenClassifier(),
    };

    private IMediaClassifier OpenClassifier()
    {
        File.WriteAllBytes(_dir.File("brightness.onnx"), SyntheticModels.Brightness(64));
        File.WriteAllText(_dir.File("brightness.json"), $$"""
            { "name": "brightness", "version": "3", "labels": ["bright"], "threshold": {{Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}},
              "onnx": { "model": "brightness.onnx", "width": 64, "height": 64 } }
            """);
        return MediaClassifiers.Open(_dir.File("brightness.json"));
    }

    private static double Brightness(string fixture)
    {
        using var decoder = new Vigil.Media.ImageDecoder();
        using var image = decoder.Decode(MediaFixtures.Bytes(fixture));
        long sum = 0;
        foreach (byte b in image.Pixels)
            sum += b;
        return sum / (255.0 * image.Pixels.Length);
    }

    [Fact]
    public async Task A_lookup_with_classify_gives_the_score_in_headers_and_hmas_body_unchanged()
    {
        string matcher = await KeyAsync(ApiKeyRole.Matcher);
        byte[] photo = MediaFixtures.Bytes(Bright);
        using var plain = await SendContentAsync(HttpMethod.Post, "/m/lookup?bypass_coinflip=true", matcher, MediaFixtures.Form(photo));
        using var scored = await SendContentAsync(HttpMethod.Post, "/m/lookup?bypass_coinflip=true&classify=true", matcher, MediaFixtures.Form(photo));
        Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
        Assert.Equal(await plain.Content.ReadAsStringAsync(), await scored.Content.ReadAsStringAsync());
        Assert.False(plain.Headers.Contains("X-Vigil-Classifier-Score"));
        double score = double.Parse(scored.Headers.GetValues("X-Vigil-Classifier-Score").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(score, Brightness(Bright) - 0.01, Brightness(Bright) + 0.01);
        Assert.Equal("true", scored.Headers.GetValues("X-Vigil-Classifier-Flagged").Single());
        Assert.Equal("brightness 3", scored.Headers.GetValues("X-Vigil-Classifier").Single());
        using var dim = await SendContentAsync(HttpMethod.Post, "/m/lookup?classify=true", matcher, MediaFixtures.Form(MediaFixtures.Bytes(Dim)));
        Assert.Equal("false", dim.Headers.GetValues("X-Vigil-Classifier-Flagged").Single());
    }

    [Fact]
    public async Task A_bright_unmatched_photo_opens_a_classifier_item_with_its_score_and_a_dim_one_opens_nothing()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        var opened = await SubmitAsync(submitter, Bright, "user-bright", classify: true);
        Assert.True(opened.StatusCode == HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
        var body = await JsonAsync(opened);
        Assert.Empty(body.GetProperty("matches").EnumerateArray());
        double score = Assert.Single(body.GetProperty("scores").EnumerateArray()).GetProperty("score").GetDouble();
        Assert.InRange(score, Brightness(Bright) - 0.01, Brightness(Bright) + 0.01);

        var shown = await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{body.GetProperty("case_id").GetInt64()}", reviewer));
        Assert.Equal(CasePriority.Classifier, shown.GetProperty("case").GetProperty("priority").GetInt32());
        var item = shown.GetProperty("items")[0];
        Assert.Equal(("classifier", "classifier", true), (item.GetProperty("source").GetString(), item.GetProperty("reason").GetString(), item.GetProperty("has_media").GetBoolean()));
        var kept = Assert.Single(item.GetProperty("scores").EnumerateArray());
        Assert.Equal(("brightness", "3", Threshold, score), (kept.GetProperty("model").GetString(), kept.GetProperty("version").GetString(),
            kept.GetProperty("threshold").GetDouble(), kept.GetProperty("score").GetDouble()));

        // Below the threshold and unmatched: nothing opens, the score is still answered.
        var dim = await JsonAsync(await SubmitAsync(submitter, Dim, "user-dim", classify: true));
        Assert.Equal(JsonValueKind.Null, dim.GetProperty("case_id").ValueKind);
        Assert.True(Assert.Single(dim.GetProperty("scores").EnumerateArray()).GetProperty("score").GetDouble() < Threshold);
        // Without classify=true, no score and no case for the bright photo either.
        var unasked = await JsonAsync(await SubmitAsync(submitter, Bright, "user-unasked", classify: false));
        Assert.Equal(JsonValueKind.Null, unasked.GetProperty("case_id").ValueKind);
        Assert.Empty(unasked.GetProperty("scores").EnumerateArray());
    }

    [Fact]
    public async Task A_matched_photo_stays_a_match_and_keeps_its_score()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        // The bridge is in the SAMPLES bank: its match decides the item, the score rides along.
        var body = await JsonAsync(await SubmitAsync(submitter, "pdq/data/bridge-mods/aaa-orig.jpg", "user-match", classify: true));
        Assert.Equal("SAMPLES", Assert.Single(body.GetProperty("matches").EnumerateArray()).GetProperty("bank").GetString());
        var item = (await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{body.GetProperty("case_id").GetInt64()}", reviewer))).GetProperty("items")[0];
        Assert.Equal(("api", CasePriority.UnlabelledMatch), (item.GetProperty("source").GetString(), item.GetProperty("priority").GetInt32()));
        Assert.InRange(Assert.Single(item.GetProperty("scores").EnumerateArray()).GetProperty("score").GetDouble(),
            Brightness("pdq/data/bridge-mods/aaa-orig.jpg") - 0.01, Brightness("pdq/data/bridge-mods/aaa-orig.jpg") + 0.01);
    }

    [Fact]
    public async Task A_video_scores_as_its_brightest_sampled_frame_on_lookup_and_on_a_case()
    {
        string video = Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4");
        double brightest = 0;
        await foreach (var frame in Vigil.Media.Video.FfmpegVideo.ReadFramesAsync(video, new Vigil.Media.Video.VideoReadOptions { SecondsPerFrame = 1 }, CancellationToken.None))
        {
            long sum = 0;
            foreach (byte b in frame.Rgb.Span)
                sum += b;
            brightest = Math.Max(brightest, sum / (255.0 * frame.Rgb.Length));
        }
        string matcher = await KeyAsync(ApiKeyRole.Matcher), submitter = await KeyAsync(ApiKeyRole.Submitter);
        using var lookup = await SendContentAsync(HttpMethod.Post, "/m/lookup?classify=true", matcher,
            MediaFixtures.Form(File.ReadAllBytes(video), field: "video", fileName: "clip.mp4"));
        Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        double score = double.Parse(lookup.Headers.GetValues("X-Vigil-Classifier-Score").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(score, brightest - 0.01, brightest + 0.01);

        var form = new MultipartFormDataContent("vigil-test-boundary");
        var file = new ByteArrayContent(File.ReadAllBytes(video));
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(file, "media", "clip.mp4");
        form.Add(new StringContent("""{"subject":"user-video"}""", Encoding.UTF8, "application/json"), "context");
        var opened = await JsonAsync(await SendContentAsync(HttpMethod.Post, "/v1/cases?classify=true", submitter, form));
        Assert.Equal(score, Assert.Single(opened.GetProperty("scores").EnumerateArray()).GetProperty("score").GetDouble(), 5);
        Assert.Equal(score >= Threshold, opened.GetProperty("case_id").ValueKind == JsonValueKind.Number);
    }

    [Fact]
    public async Task A_user_report_the_classifier_flags_queues_as_the_classifiers_ahead_of_an_older_plain_report()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        // Older, so a tie in priority would queue it first.
        var plain = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter,
            """{"subject":"user-reported","reason":"user_report","signals":{"md5":"0123456789abcdef0123456789abcdef"}}"""));
        long plainCase = plain.GetProperty("case_id").GetInt64();
        var flagged = await SubmitAsync(submitter, Bright, "user-flagged", classify: true, reason: "user_report");
        Assert.True(flagged.StatusCode == HttpStatusCode.Created, await flagged.Content.ReadAsStringAsync());
        long flaggedCase = (await JsonAsync(flagged)).GetProperty("case_id").GetInt64();

        var item = (await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{flaggedCase}", reviewer))).GetProperty("items")[0];
        Assert.Equal(("classifier", "user_report", CasePriority.Classifier),
            (item.GetProperty("source").GetString(), item.GetProperty("reason").GetString(), item.GetProperty("priority").GetInt32()));
        var report = (await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{plainCase}", reviewer))).GetProperty("case");
        Assert.Equal(CasePriority.Lowest, report.GetProperty("priority").GetInt32());

        // The queue hands out the flagged one first, then (to a second reviewer: the first holds a lease) the report.
        Assert.Equal(flaggedCase, (await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}"))).GetProperty("id").GetInt64());
        string second = await KeyAsync(ApiKeyRole.Reviewer);
        Assert.Equal(plainCase, (await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", second, "{}"))).GetProperty("id").GetInt64());
    }

    private Task<HttpResponseMessage> SubmitAsync(string key, string fixture, string subject, bool classify, string? reason = null)
    {
        var form = new MultipartFormDataContent("vigil-test-boundary");
        var file = new ByteArrayContent(MediaFixtures.Bytes(fixture));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "media", "upload.jpg");
        string context = reason is null ? $$"""{"subject":"{{subject}}"}""" : $$"""{"subject":"{{subject}}","reason":"{{reason}}"}""";
        form.Add(new StringContent(context, Encoding.UTF8, "application/json"), "context");
        return SendContentAsync(HttpMethod.Post, classify ? "/v1/cases?classify=true" : "/v1/cases", key, form);
    }
}

/// <summary>A server started without <c>--classifier</c> says so when asked to classify.</summary>
public sealed class ClassifierMissingTests : LiveServerTest
{
    [Fact]
    public async Task Classify_without_a_classifier_is_a_503_that_says_how_to_start_one()
    {
        string matcher = await KeyAsync(ApiKeyRole.Matcher), submitter = await KeyAsync(ApiKeyRole.Submitter);
        using var lookup = await SendContentAsync(HttpMethod.Post, "/m/lookup?classify=true", matcher, MediaFixtures.Form(MediaFixtures.Bytes("pdq/data/bridge-mods/aaa-orig.jpg")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lookup.StatusCode);
        Assert.Contains("--classifier MANIFEST", await lookup.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var cases = await SendAsync(HttpMethod.Post, "/v1/cases?classify=true", submitter, """{"subject":"u","signals":{"md5":"0123456789abcdef0123456789abcdef"}}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, cases.StatusCode);
    }
}
