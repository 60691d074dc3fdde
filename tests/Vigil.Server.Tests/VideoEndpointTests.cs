using System.Net;
using System.Text.Json;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Hashing.Vpdq;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>The ThreatExchange sample videos in tests/fixtures, the reference's every-frame hashes of them, and a grey copy made with ffmpeg.</summary>
public sealed class VideoFixtures : IDisposable
{
    private readonly TempDirectory _dir = new();

    public VideoFixtures()
    {
        Padded = Fixtures.ThreatExchange("tmk/sample-videos/test-padded-dimensions.mp4");
        Doorknob = Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4");
        Grey = System.IO.Path.Combine(_dir.Path, "grey.mp4");
        FfmpegTool.Run("-i", Padded, "-vf", "hue=s=0", "-c:v", "mpeg4", "-q:v", "3", "-an", Grey);
    }

    /// <summary>1080x1080, 5 s at 30 fps.</summary>
    public string Padded { get; }

    /// <summary>1280x720, 4 s at 30 fps; unrelated to <see cref="Padded"/>.</summary>
    public string Doorknob { get; }

    /// <summary><see cref="Padded"/> without colour, re-encoded.</summary>
    public string Grey { get; }

    /// <summary>The reference's vPDQ of every frame of a fixture video, by frame number.</summary>
    public static Dictionary<int, VpdqFrame> Reference(string name)
    {
        var frames = VpdqFormat.Parse(File.ReadAllText(Fixtures.ThreatExchange($"vpdq/sample-hashes/{name}.txt")));
        return frames.ToDictionary(f => f.FrameNumber);
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>Videos through HMA's media endpoints: POST /h/hash, POST /m/lookup, POST /c/bank/NAME/content with a 'video' field, and GET /m/lookup?signal_type=vpdq.</summary>
public sealed class VideoEndpointTests(VideoFixtures videos) : LiveServerTest, IClassFixture<VideoFixtures>
{
    private static MultipartFormDataContent Video(string path) => MediaFixtures.Form(File.ReadAllBytes(path), field: "video", fileName: Path.GetFileName(path));

    [Fact]
    public async Task Hash_of_a_video_is_its_vpdq_at_one_frame_a_second_close_to_the_reference_and_its_md5()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        var response = await SendContentAsync(HttpMethod.Post, "/h/hash", key, Video(videos.Padded));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var json = await JsonAsync(response);
        Assert.Equal(["vpdq", "video_md5"], json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(MediaFixtures.Md5(File.ReadAllBytes(videos.Padded)), json.GetProperty("video_md5").GetString());

        // One frame a second at 30 fps: frames 0, 30, ... 120, each within a few bits of the reference's hash of that frame.
        var frames = VpdqSignal.Parse(json.GetProperty("vpdq").GetString()!);
        Assert.Equal([0, 30, 60, 90, 120], frames.Select(f => f.FrameNumber));
        var reference = VideoFixtures.Reference("test-padded-dimensions");
        foreach (var frame in frames)
        {
            Assert.True(PdqHash.Distance(frame.Hash, reference[frame.FrameNumber].Hash) <= 8, $"frame {frame.FrameNumber}");
            Assert.Equal(reference[frame.FrameNumber].TimestampSeconds, frame.TimestampSeconds, 3);
        }

        var md5Only = await SendContentAsync(HttpMethod.Post, "/h/hash?types=video_md5", key, Video(videos.Padded));
        Assert.Equal($$"""{"video_md5":"{{MediaFixtures.Md5(File.ReadAllBytes(videos.Padded))}}"}""", await md5Only.Content.ReadAsStringAsync());
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash?types=pdq", key, Video(videos.Padded)),
            HttpStatusCode.BadRequest, "no signal type in types=pdq applies to content_type video");
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash?types=vpdq", key, MediaFixtures.Form(MediaFixtures.Bytes(MediaFixtures.Bridge))),
            HttpStatusCode.BadRequest, "no signal type in types=vpdq applies to content_type photo");
    }

    [Fact]
    public async Task A_video_added_by_upload_is_found_by_lookups_of_the_file_an_edited_copy_and_its_vpdq()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator), matcher = await KeyAsync(ApiKeyRole.Matcher);
        var added = await SendContentAsync(HttpMethod.Post, "/c/bank/SAMPLES/content", curator, Video(videos.Padded));
        Assert.True(added.StatusCode == HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        var addedJson = await JsonAsync(added);
        long id = addedJson.GetProperty("id").GetInt64();
        Assert.Equal(["video_md5", "vpdq"], addedJson.GetProperty("signals").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var stored = (await Store.GetContentAsync(id))!;
        using (var metadata = JsonDocument.Parse(stored.Metadata!))
        {
            Assert.Equal("test-padded-dimensions.mp4", metadata.RootElement.GetProperty("file_name").GetString());
            Assert.Equal(5, metadata.RootElement.GetProperty("vpdq_frames").GetInt32());
        }
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/c/bank/SAMPLES/content", curator, Video(videos.Padded)),
            HttpStatusCode.Conflict, "content already in bank");

        // The replica's index follows the change log; wait until the lookup sees the new video.
        string exact = $$$"""{"vpdq":{"SAMPLES":[{"bank_content_id":{{{id}}},"distance":"100%[100%]"}]}}""";
        string body = "";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && body != exact)
        {
            body = await (await SendContentAsync(HttpMethod.Post, "/m/lookup", matcher, Video(videos.Padded))).Content.ReadAsStringAsync();
            if (body != exact)
                await Task.Delay(200);
        }
        // The file matched by its frames and its MD5: listed once, under vpdq (HMA's shape).
        Assert.Equal(exact, body);

        var grey = await JsonAsync(await SendContentAsync(HttpMethod.Post, "/m/lookup?include=metadata", matcher, Video(videos.Grey)));
        var greyMatch = Assert.Single(grey.GetProperty("vpdq").GetProperty("SAMPLES").EnumerateArray());
        Assert.Equal(id, greyMatch.GetProperty("bank_content_id").GetInt64());
        Assert.Equal("vpdq", greyMatch.GetProperty("signal").GetString());
        Assert.True(greyMatch.GetProperty("query_percent").GetDouble() >= 80);
        Assert.Matches(@"^\d+%\[\d+%\]$", greyMatch.GetProperty("distance").GetString());
        Assert.False(grey.TryGetProperty("video_md5", out _));

        Assert.Equal("""{"vpdq":{}}""", await (await SendContentAsync(HttpMethod.Post, "/m/lookup", matcher, Video(videos.Doorknob))).Content.ReadAsStringAsync());
        Assert.Equal("""{"vpdq":{}}""", await (await SendContentAsync(HttpMethod.Post, "/m/lookup?banks=OTHER", matcher, Video(videos.Padded))).Content.ReadAsStringAsync());

        // By the file alone: types=video_md5 finds it at distance "0".
        Assert.Equal($$$"""{"video_md5":{"SAMPLES":[{"bank_content_id":{{{id}}},"distance":"0"}]}}""",
            await (await SendContentAsync(HttpMethod.Post, "/m/lookup?types=video_md5", matcher, Video(videos.Padded))).Content.ReadAsStringAsync());

        // HMA's hash-then-lookup: the vpdq that /h/hash gives, looked up with GET.
        string greyVpdq = (await JsonAsync(await SendContentAsync(HttpMethod.Post, "/h/hash?types=vpdq", matcher, Video(videos.Grey)))).GetProperty("vpdq").GetString()!;
        var byHash = await JsonAsync(await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=vpdq&signal={Uri.EscapeDataString(greyVpdq)}", matcher));
        Assert.Equal(id, Assert.Single(byHash.GetProperty("SAMPLES").EnumerateArray()).GetProperty("bank_content_id").GetInt64());
        var raw = await JsonAsync(await SendAsync(HttpMethod.Get, $"/m/raw_lookup?signal_type=vpdq&include_distance=true&signal={Uri.EscapeDataString(greyVpdq)}", matcher));
        var rawMatch = Assert.Single(raw.GetProperty("matches").EnumerateArray());
        Assert.Equal(id, rawMatch.GetProperty("bank_content_id").GetInt64());
        Assert.Equal(Assert.Single(byHash.GetProperty("SAMPLES").EnumerateArray()).GetProperty("distance").GetString(), rawMatch.GetProperty("distance").GetString());

        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/m/lookup?dihedral=true", matcher, Video(videos.Padded)),
            HttpStatusCode.BadRequest, "dihedral applies to photos");
    }

    [Fact]
    public async Task A_matching_video_in_a_negative_bank_suppresses_the_match()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator), matcher = await KeyAsync(ApiKeyRole.Matcher);
        await Store.CreateBankAsync(new NewBank("KNOWN_GOOD") { IsNegative = true });
        var known = await SendContentAsync(HttpMethod.Post, "/c/bank/SAMPLES/content", curator, Video(videos.Doorknob));
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        var good = await SendContentAsync(HttpMethod.Post, "/c/bank/KNOWN_GOOD/content", curator, Video(videos.Grey));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var bad = await SendContentAsync(HttpMethod.Post, "/c/bank/SAMPLES/content", curator, Video(videos.Padded));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);

        // Doorknob matches SAMPLES; padded matches both SAMPLES and the negative bank's grey copy, so nothing.
        string doorknob = "";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && !doorknob.Contains("SAMPLES", StringComparison.Ordinal))
            doorknob = await (await SendContentAsync(HttpMethod.Post, "/m/lookup", matcher, Video(videos.Doorknob))).Content.ReadAsStringAsync();
        Assert.Contains("SAMPLES", doorknob);
        await Task.Delay(500); // the other two adds are in the change log already; one more follow round
        Assert.Equal("""{"vpdq":{}}""", await (await SendContentAsync(HttpMethod.Post, "/m/lookup", matcher, Video(videos.Padded))).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bad_videos_are_4xx_problems_and_leave_no_file_behind()
    {
        var started = DateTime.UtcNow;
        string key = await KeyAsync(ApiKeyRole.Matcher);
        byte[] real = File.ReadAllBytes(videos.Padded);
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash", key, MediaFixtures.Form([], field: "video")), HttpStatusCode.BadRequest, "empty file");
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash", key, MediaFixtures.Form(MediaFixtures.Bytes(MediaFixtures.Bridge), field: "video")),
            HttpStatusCode.UnsupportedMediaType, "not a video");
        var noise = new byte[100_000];
        new Random(7).NextBytes(noise);
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash", key, MediaFixtures.Form(noise, field: "video")), HttpStatusCode.UnsupportedMediaType, "not a video");

        // Cut-off and damaged copies: never a 5xx, always a problem document or a hash.
        var random = new Random(11);
        for (int i = 0; i < 12; i++)
        {
            byte[] damaged = i < 6 ? real[..(real.Length * (i + 1) / 8)] : (byte[])real.Clone();
            if (i >= 6)
            {
                for (int flip = 0; flip < 40; flip++)
                    damaged[random.Next(damaged.Length)] ^= (byte)random.Next(1, 256);
            }
            var response = await SendContentAsync(HttpMethod.Post, "/h/hash", key, MediaFixtures.Form(damaged, field: "video"));
            string body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is 200 or 415 or 422, $"copy {i}: {(int)response.StatusCode} {body}");
            if (response.StatusCode != HttpStatusCode.OK)
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        // Every upload's temporary file is gone (files of other tests' uploads in flight are newer).
        foreach (string place in new[] { "/dev/shm", Path.GetTempPath() })
        {
            foreach (string dir in Directory.EnumerateDirectories(place, "vigil-video-*"))
                Assert.DoesNotContain(Directory.EnumerateFiles(dir), f => File.GetLastWriteTimeUtc(f) < started);
        }
    }
}

/// <summary>A server killed before it could clean up leaves its video directory; the next one to hash a video removes it.</summary>
public sealed class VideoLeftoverTests : LiveServerTest
{
    [Fact]
    public async Task Directories_of_servers_no_longer_running_are_removed()
    {
        // A process id no process has: one just ended.
        using var ended = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        await ended.WaitForExitAsync();
        List<string> leftovers = [], running = [];
        foreach (string place in new[] { "/dev/shm", Path.GetTempPath() })
        {
            if (!Directory.Exists(place))
                continue;
            string dir = Path.Combine(place, $"vigil-video-{ended.Id}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, "left-behind"), [1, 2, 3]);
            leftovers.Add(dir);
            // One of a server still running (this test process) is left alone.
            running.Add(Directory.CreateDirectory(Path.Combine(place, $"vigil-video-{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName);
        }
        try
        {
            var response = await SendContentAsync(HttpMethod.Post, "/h/hash?types=vpdq", await KeyAsync(ApiKeyRole.Matcher),
                MediaFixtures.Form(File.ReadAllBytes(Fixtures.ThreatExchange("tmk/sample-videos/test-padded-dimensions.mp4")), field: "video"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // The server uses one of the two places; its leftovers are gone.
            Assert.Contains(leftovers, dir => !Directory.Exists(dir));
            Assert.All(running, dir => Assert.True(Directory.Exists(dir), dir));
        }
        finally
        {
            foreach (string dir in leftovers.Concat(running).Where(Directory.Exists))
                Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>A video that takes longer than the server allows is a 504 problem, and ffmpeg is stopped.</summary>
public sealed class VideoTimeoutTests : LiveServerTest
{
    protected override ServerSettings Settings => base.Settings with { VideoHashTimeout = TimeSpan.FromMilliseconds(50) };

    [Fact]
    public async Task A_video_over_the_time_limit_is_a_504_problem()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        byte[] video = File.ReadAllBytes(Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4"));
        var response = await SendContentAsync(HttpMethod.Post, "/h/hash", key, MediaFixtures.Form(video, field: "video", fileName: "clip.mp4"));
        await AssertProblemAsync(response, HttpStatusCode.GatewayTimeout, "video took too long");
    }
}
