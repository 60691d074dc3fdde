using System.Text;
using Vigil.Classifiers.Http;
using Vigil.Classifiers.Manifests;
using Vigil.Media;

namespace Vigil.Classifiers.Tests;

/// <summary>The vendor adapter against <see cref="FakeVendor"/> on 127.0.0.1: scores, priority levels, retries, the circuit breaker, timeouts and bad answers.</summary>
public sealed class HttpClassifierTests : IAsyncLifetime
{
    private FakeVendor _vendor = null!;

    public async Task InitializeAsync() => _vendor = await FakeVendor.StartAsync();

    public async Task DisposeAsync() => await _vendor.DisposeAsync();

    private ClassifierManifest Manifest(string extra = "", string labels = "[\"benign\", \"flagged\"]") => ClassifierManifestReader.Parse(Encoding.UTF8.GetBytes($$"""
        { "name": "vendor", "version": "2026-11", "labels": {{labels}}, "score_label": "flagged", "threshold": 0.7,
          "http": { "url": "{{_vendor.Url}}", "max_side": 600, "max_batch": 3, "timeout_seconds": 2 {{extra}} } }
        """), "vendor.json", "/");

    private static RgbImage Image(int width, int height) => RgbImage.FromPixels(width, height, new byte[3 * width * height]);

    [Fact]
    public async Task Scores_come_back_per_image_in_order_across_batches_and_images_are_shrunk_to_max_side()
    {
        using var classifier = new HttpMediaClassifier(Manifest());
        var images = new[] { Image(100, 50), Image(300, 200), Image(1200, 300), Image(500, 900), Image(40, 40) };
        var scores = await classifier.ClassifyAsync(images);
        // The fake scores flagged as width / 1000 of what it received: 1200 wide was sent at 600, 500x900 at 333x600.
        double[] expected = [0.1, 0.3, 0.6, 0.333, 0.04];
        for (int i = 0; i < images.Length; i++)
        {
            Assert.Equal(expected[i], scores[i].Score, 3);
            Assert.Equal(["benign", "flagged"], scores[i].Labels.Select(l => l.Label));
            Assert.Equal(1 - expected[i], scores[i].Labels[0].Score, 3);
        }
        Assert.Equal(2, _vendor.Calls); // batches of 3
        Assert.Contains((333, 600), _vendor.Sizes);
        Assert.All(_vendor.Authorizations, Assert.Null);
        foreach (var image in images)
            image.Dispose();
    }

    [Theory]
    [InlineData("VERY_LOW", 0.0)]
    [InlineData("low", 0.25)]
    [InlineData("MEDIUM", 0.5)]
    [InlineData("HIGH", 0.75)]
    [InlineData("VERY_HIGH", 1.0)]
    public async Task A_priority_level_stands_for_a_score(string level, double score)
    {
        _vendor.Priority = level;
        using var classifier = new HttpMediaClassifier(Manifest());
        using var image = Image(64, 64);
        var answer = (await classifier.ClassifyAsync([image]))[0];
        Assert.Equal((score, level.ToUpperInvariant()), (answer.Score, answer.Priority));
        Assert.Equal([new LabelScore("flagged", score)], answer.Labels);
    }

    [Fact]
    public async Task The_key_is_sent_as_a_bearer_token_from_the_environment_and_its_absence_is_an_error()
    {
        string variable = "VIGIL_TEST_VENDOR_KEY_" + Guid.NewGuid().ToString("N");
        var manifest = Manifest($", \"key_env\": \"{variable}\"");
        Assert.Contains(variable, Assert.Throws<ClassifierException>(() => new HttpMediaClassifier(manifest)).Message, StringComparison.Ordinal);
        Environment.SetEnvironmentVariable(variable, "s3cret-key");
        try
        {
            using var classifier = new HttpMediaClassifier(manifest);
            using var image = Image(64, 64);
            await classifier.ClassifyAsync([image]);
            Assert.Equal(["Bearer s3cret-key"], _vendor.Authorizations);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Transient_failures_are_retried()
    {
        _vendor.FailNext = 2;
        using var classifier = new HttpMediaClassifier(Manifest(", \"retries\": 2"));
        using var image = Image(200, 64);
        Assert.Equal(0.2, (await classifier.ClassifyAsync([image]))[0].Score, 3);
        Assert.Equal(3, _vendor.Calls);
    }

    [Fact]
    public async Task A_dead_service_opens_the_circuit_and_later_calls_fail_at_once()
    {
        _vendor.AlwaysStatus = 500;
        using var classifier = new HttpMediaClassifier(Manifest(", \"retries\": 0, \"break_after_failures\": 3, \"break_seconds\": 600"));
        using var image = Image(64, 64);
        for (int i = 0; i < 3; i++)
            Assert.Contains("answered 500", (await Assert.ThrowsAsync<ClassifierException>(() => classifier.ClassifyAsync([image]))).Message, StringComparison.Ordinal);
        Assert.Equal(3, _vendor.Calls);
        var broken = await Assert.ThrowsAsync<ClassifierException>(() => classifier.ClassifyAsync([image]));
        Assert.Contains("failed 3 calls in a row; not calling it for 600 s", broken.Message, StringComparison.Ordinal);
        Assert.Equal(3, _vendor.Calls);
    }

    [Fact]
    public async Task A_stalled_service_times_out_with_a_clear_error()
    {
        _vendor.Stall = TimeSpan.FromSeconds(30);
        using var classifier = new HttpMediaClassifier(Manifest(", \"retries\": 1, \"timeout_seconds\": 0.3"));
        using var image = Image(64, 64);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ClassifierException>(() => classifier.ClassifyAsync([image]));
        Assert.Contains("did not answer within 0.3 s (2 attempts)", e.Message, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), "the attempts were not cut off");
    }

    [Theory]
    [InlineData("not json", "not the documented JSON")]
    [InlineData("{\"items\": []}", "answered 0 items for 1 images")]
    [InlineData("{\"items\": [{\"id\": \"7\", \"priority\": \"HIGH\"}]}", "id '7', which was not sent")]
    [InlineData("{\"items\": [{\"id\": \"0\", \"priority\": \"URGENT\"}]}", "priority 'URGENT' is not one of")]
    [InlineData("{\"items\": [{\"id\": \"0\", \"scores\": {\"flagged\": 0.5}}]}", "no score between 0 and 1 for label 'benign'")]
    [InlineData("{\"items\": [{\"id\": \"0\", \"scores\": {\"flagged\": 1.5, \"benign\": 0}}]}", "no score between 0 and 1 for label 'flagged'")]
    [InlineData("{\"items\": [{\"id\": \"0\"}]}", "neither scores nor a priority")]
    public async Task Bad_answers_are_clear_errors(string body, string expected)
    {
        _vendor.Garbage = body;
        using var classifier = new HttpMediaClassifier(Manifest(", \"retries\": 0"));
        using var image = Image(64, 64);
        var e = await Assert.ThrowsAsync<ClassifierException>(() => classifier.ClassifyAsync([image]));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_service_is_a_clear_error()
    {
        var url = _vendor.Url;
        await _vendor.DisposeAsync();
        _vendor = await FakeVendor.StartAsync();
        var manifest = ClassifierManifestReader.Parse(Encoding.UTF8.GetBytes($$"""
            { "name": "gone", "version": "1", "labels": ["x"], "threshold": 0.5, "http": { "url": "{{url}}", "retries": 0 } }
            """), "gone.json", "/");
        using var classifier = new HttpMediaClassifier(manifest);
        using var image = Image(64, 64);
        var e = await Assert.ThrowsAsync<ClassifierException>(() => classifier.ClassifyAsync([image]));
        Assert.Contains("could not be reached", e.Message, StringComparison.Ordinal);
    }
}
