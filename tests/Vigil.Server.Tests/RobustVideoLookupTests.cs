using System.Net;
using System.Text.Json;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>
/// <c>POST /m/lookup?robust=true</c> with a video: a letterboxed or pillarboxed copy of a bank video is found by its
/// frames with the bars trimmed (<c>"variant": "trimmed"</c>); answers without robust are as before.
/// </summary>
public sealed class RobustVideoLookupTests(BarredVideos videos) : LiveServerTest, IClassFixture<BarredVideos>
{
    private static MultipartFormDataContent Video(string path) => MediaFixtures.Form(File.ReadAllBytes(path), field: "video", fileName: Path.GetFileName(path));

    [Fact]
    public async Task A_barred_copy_is_found_only_with_robust_and_says_it_was_trimmed()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator), matcher = await KeyAsync(ApiKeyRole.Matcher);
        var added = await SendContentAsync(HttpMethod.Post, "/c/bank/SAMPLES/content", curator, Video(BarredVideos.Original));
        Assert.True(added.StatusCode == HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        long id = (await JsonAsync(added)).GetProperty("id").GetInt64();

        // The replica's index follows the change log; wait until the lookup sees the new video.
        string exact = $$$"""{"vpdq":{"SAMPLES":[{"bank_content_id":{{{id}}},"distance":"100%[100%]"}]}}""";
        string body = "";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && body != exact)
        {
            body = await (await SendContentAsync(HttpMethod.Post, "/m/lookup", matcher, Video(BarredVideos.Original))).Content.ReadAsStringAsync();
            if (body != exact)
                await Task.Delay(200);
        }
        Assert.Equal(exact, body);
        // The very file: the same answer with robust=true.
        Assert.Equal(exact, await (await SendContentAsync(HttpMethod.Post, "/m/lookup?robust=true", matcher, Video(BarredVideos.Original))).Content.ReadAsStringAsync());

        foreach (string copy in new[] { videos.Letterboxed, videos.Pillarboxed })
        {
            Assert.Equal("""{"vpdq":{}}""", await (await SendContentAsync(HttpMethod.Post, "/m/lookup", matcher, Video(copy))).Content.ReadAsStringAsync());
            var robust = await SendContentAsync(HttpMethod.Post, "/m/lookup?robust=true&include=metadata", matcher, Video(copy));
            Assert.True(robust.StatusCode == HttpStatusCode.OK, await robust.Content.ReadAsStringAsync());
            var match = Assert.Single((await JsonAsync(robust)).GetProperty("vpdq").GetProperty("SAMPLES").EnumerateArray());
            Assert.Equal((id, "trimmed", "vpdq"), (match.GetProperty("bank_content_id").GetInt64(), match.GetProperty("variant").GetString(), match.GetProperty("signal").GetString()));
            Assert.True(match.GetProperty("query_percent").GetDouble() >= 80);
            Assert.Matches(@"^\d+%\[\d+%\]$", match.GetProperty("distance").GetString());
        }

        Assert.Equal("""{"vpdq":{}}""", await (await SendContentAsync(HttpMethod.Post, "/m/lookup?robust=true", matcher, Video(videos.Unrelated))).Content.ReadAsStringAsync());
        // robust=true and types=video_md5 alone: no frames to trim, the file's MD5 only.
        Assert.Equal("""{"video_md5":{}}""",
            await (await SendContentAsync(HttpMethod.Post, "/m/lookup?robust=true&types=video_md5", matcher, Video(videos.Letterboxed))).Content.ReadAsStringAsync());
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/m/lookup?dihedral=true", matcher, Video(videos.Letterboxed)),
            HttpStatusCode.BadRequest, "dihedral applies to photos");
    }
}
