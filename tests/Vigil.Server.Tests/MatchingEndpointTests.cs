using System.Net;
using System.Text.Json;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Storage;

namespace Vigil.Server.Tests;

/// <summary>HMA's /m/raw_lookup, /m/compare, /m/index/status and /site-map, and curation followed by lookup.</summary>
public sealed class MatchingEndpointTests : LiveServerTest
{
    private const string CompareA = "facd8bcb2a49bcebdec1985298d5fe84bcd006c187c598c720c3c087b3fdb318";
    private const string CompareB = "facd8bcb2a49bcebdec1985228d5ae84bcd006c187c598c720c2b087b3fdb318";

    private static string Near(string hex, ulong flip)
    {
        var hash = PdqHash.Parse(hex);
        return new PdqHash(hash.GetLimb(0) ^ flip, hash.GetLimb(1), hash.GetLimb(2), hash.GetLimb(3)).ToString();
    }

    [Fact]
    public async Task Raw_lookup_lists_content_ids_or_ids_with_string_distances()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        string near = Near(BridgePdq, 0b11);
        var ids = await JsonAsync(await SendAsync(HttpMethod.Get, $"/m/raw_lookup?signal_type=pdq&signal={near}", key));
        Assert.Equal(BridgeId, Assert.Single(ids.GetProperty("matches").EnumerateArray()).GetInt64());

        var withDistance = await JsonAsync(await SendAsync(HttpMethod.Get, $"/m/raw_lookup?signal_type=pdq&signal={near}&include_distance=true&banks=OTHER,SAMPLES", key));
        var match = Assert.Single(withDistance.GetProperty("matches").EnumerateArray());
        Assert.Equal(BridgeId, match.GetProperty("bank_content_id").GetInt64());
        Assert.Equal("2", match.GetProperty("distance").GetString());

        Assert.Equal("""{"matches":[]}""", await (await SendAsync(HttpMethod.Get, $"/m/raw_lookup?signal_type=pdq&signal={near}&banks=OTHER", key)).Content.ReadAsStringAsync());
        Assert.Equal("""{"matches":[]}""", await (await SendAsync(HttpMethod.Get, $"/m/raw_lookup?signal_type=pdq&signal={new string('0', 64)}", key)).Content.ReadAsStringAsync());

        // Exact types are looked up in the store.
        string md5 = "0123456789abcdef0123456789abcdef";
        long md5Id = (await Store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.Md5, md5)]))).Id;
        var exact = await JsonAsync(await SendAsync(HttpMethod.Get, $"/m/raw_lookup?signal_type=md5&signal={md5.ToUpperInvariant()}&include_distance=1", key));
        var exactMatch = Assert.Single(exact.GetProperty("matches").EnumerateArray());
        Assert.Equal(md5Id, exactMatch.GetProperty("bank_content_id").GetInt64());
        Assert.Equal("0", exactMatch.GetProperty("distance").GetString());
    }

    [Fact]
    public async Task A_video_md5_lookup_finds_the_bank_video_under_its_bank()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        string videoMd5 = "00112233445566778899aabbccddeeff";
        long id = (await Store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.VideoMd5, videoMd5)]))).Id;
        var found = await JsonAsync(await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=video_md5&signal={videoMd5}", key));
        var match = Assert.Single(found.GetProperty("SAMPLES").EnumerateArray());
        Assert.Equal((id, "0"), (match.GetProperty("bank_content_id").GetInt64(), match.GetProperty("distance").GetString()));
        Assert.Equal("{}", await (await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=video_md5&signal={new string('f', 32)}", key)).Content.ReadAsStringAsync());
        // HMA has no whole-video lookup by vpdq; the answer stays empty.
        Assert.Equal("{}", await (await SendAsync(HttpMethod.Get, "/m/lookup?signal_type=vpdq&signal=0,100," + new string('0', 64) + ",0.000", key)).Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/m/raw_lookup?signal_type=pdq&signal=zz", "invalid signal")]
    [InlineData("/m/raw_lookup?signal_type=pdqq&signal=00", "No such SignalType 'pdqq'")]
    [InlineData("/m/raw_lookup?signal=00", "signal_type and signal are required")]
    [InlineData("/m/index/status?signal_type=pdqq", "No such signal type 'pdqq'")]
    public async Task Bad_query_input_is_a_400_problem(string path, string title)
    {
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, path, await KeyAsync(ApiKeyRole.Matcher)), HttpStatusCode.BadRequest, title);
    }

    [Fact]
    public async Task Compare_answers_HMAs_shape_with_a_numeric_distance()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        var response = await SendAsync(HttpMethod.Post, "/m/compare", key, $$"""{"pdq": ["{{CompareA}}", "{{CompareB}}"]}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"pdq":[true,{"distance":9}]}""", await response.Content.ReadAsStringAsync());

        var far = await JsonAsync(await SendAsync(HttpMethod.Post, "/m/compare", key, $$"""{"pdq": ["{{new string('0', 64)}}", "{{new string('f', 64)}}"]}"""));
        Assert.False(far.GetProperty("pdq")[0].GetBoolean());
        Assert.Equal(256, far.GetProperty("pdq")[1].GetProperty("distance").GetInt32());
        var md5 = await JsonAsync(await SendAsync(HttpMethod.Post, "/m/compare", key, $$"""{"md5": ["{{new string('a', 32)}}", "{{new string('A', 32)}}"]}"""));
        Assert.True(md5.GetProperty("md5")[0].GetBoolean());
        Assert.Equal(0, md5.GetProperty("md5")[1].GetProperty("distance").GetInt32());
    }

    [Theory]
    [InlineData("""["banana"]""", "Request input was not a dict")]
    [InlineData("""{"pdq": "banana"}""", "Comparison hashes for pdq was not a list")]
    [InlineData("""{"pdq": []}""", "Comparison hash list length must be exactly 2")]
    [InlineData("""{"pdq": ["banana", "banana"]}""", "Invalid pdq hash")]
    [InlineData("""{"pdq": [1, 2]}""", "Invalid pdq hash")]
    [InlineData("""{"pdqq": ["00", "00"]}""", "No such SignalType 'pdqq'")]
    [InlineData("""{"pdq": ["a", "b", "c"]}""", "Comparison hash list length must be exactly 2")]
    [InlineData("""{"pdq": [""", "invalid JSON")]
    [InlineData("", "invalid JSON")]
    public async Task Compare_rejects_bad_input_with_a_400_problem(string json, string title)
    {
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/m/compare", await KeyAsync(ApiKeyRole.Matcher), json), HttpStatusCode.BadRequest, title);
    }

    [Fact]
    public async Task Index_status_reports_md5_and_the_other_exact_types_present_as_their_lookups_match()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        string md5 = "0123456789abcdef0123456789abcdef";
        string sha1 = new('5', 40);
        long id = (await Store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.Md5, md5), new Signal(SignalType.Sha1, sha1)]))).Id;
        await Store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.Md5, new string('e', 32))]));
        long latest = await Store.GetLatestChangeSeqAsync();

        // The lookups match...
        var found = await JsonAsync(await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=md5&signal={md5}", key));
        Assert.Equal(id, Assert.Single(found.GetProperty("SAMPLES").EnumerateArray()).GetProperty("bank_content_id").GetInt64());
        var bySha1 = await JsonAsync(await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=sha1&signal={sha1}", key));
        Assert.Equal(id, Assert.Single(bySha1.GetProperty("SAMPLES").EnumerateArray()).GetProperty("bank_content_id").GetInt64());

        // ...so the status says they are present, with the signals stored and the store's latest change.
        var status = await JsonAsync(await SendAsync(HttpMethod.Get, "/m/index/status", key));
        var md5Status = status.GetProperty("md5");
        Assert.True(md5Status.GetProperty("present").GetBoolean());
        Assert.Equal(2, md5Status.GetProperty("size").GetInt64());
        Assert.Equal(latest, md5Status.GetProperty("built_to").GetInt64());
        Assert.Equal(1, status.GetProperty("sha1").GetProperty("size").GetInt64());
        Assert.True(status.GetProperty("sha256").GetProperty("present").GetBoolean());
        Assert.Equal(0, status.GetProperty("sha256").GetProperty("size").GetInt64());
        Assert.True(status.GetProperty("video_md5").GetProperty("present").GetBoolean());
        var only = await JsonAsync(await SendAsync(HttpMethod.Get, "/m/index/status?signal_type=md5", key));
        Assert.Equal(["md5"], only.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public async Task Index_status_reports_the_in_memory_index_size_and_change_seq()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        var status = await JsonAsync(await SendAsync(HttpMethod.Get, "/m/index/status", key));
        var pdq = status.GetProperty("pdq");
        Assert.True(pdq.GetProperty("present").GetBoolean());
        Assert.Equal(1, pdq.GetProperty("size").GetInt32());
        Assert.Equal(await Store.GetLatestChangeSeqAsync(), pdq.GetProperty("built_to").GetInt64());
        Assert.Equal(["pdq", "md5", "sha1", "sha256", "vpdq", "video_md5"], status.EnumerateObject().Select(p => p.Name).ToArray());

        await Store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.Pdq, new string('3', 64))]));
        long latest = await Store.GetLatestChangeSeqAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var only = await JsonAsync(await SendAsync(HttpMethod.Get, "/m/index/status?signal_type=pdq", key));
            Assert.Equal(["pdq"], only.EnumerateObject().Select(p => p.Name).ToArray());
            if (only.GetProperty("pdq").GetProperty("built_to").GetInt64() == latest)
            {
                Assert.Equal(2, only.GetProperty("pdq").GetProperty("size").GetInt32());
                break;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the index did not follow the change");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Site_map_lists_routes_in_HMAs_syntax_for_any_key()
    {
        foreach (var role in Enum.GetValues<ApiKeyRole>())
        {
            var response = await SendAsync(HttpMethod.Get, "/site-map", await KeyAsync(role));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var routes = (await JsonAsync(response)).EnumerateArray().Select(r => r.GetString()!).ToList();
            Assert.Equal(routes.Order(StringComparer.Ordinal).Distinct(), routes);
            foreach (string route in new[] { "/status", "/site-map", "/m/lookup", "/m/raw_lookup", "/m/compare", "/m/index/status", "/c/banks",
                "/c/bank/<bank_name>", "/c/bank/<bank_name>/signal", "/c/bank/<bank_name>/content/<int:content_id>", "/c/signal_type", "/c/content_type" })
                Assert.Contains(route, routes);
        }
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/site-map", null), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Matching_endpoints_need_a_matcher_or_admin_key()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        string reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        string admin = await KeyAsync(ApiKeyRole.Admin);
        string compare = $$"""{"pdq": ["{{CompareA}}", "{{CompareB}}"]}""";
        var calls = new (HttpMethod Method, string Path, string? Json)[]
        {
            (HttpMethod.Get, $"/m/raw_lookup?signal_type=pdq&signal={BridgePdq}", null),
            (HttpMethod.Post, "/m/compare", compare),
            (HttpMethod.Get, "/m/index/status", null),
        };
        foreach (var (method, path, json) in calls)
        {
            await AssertProblemAsync(await SendAsync(method, path, null, json), HttpStatusCode.Unauthorized);
            await AssertProblemAsync(await SendAsync(method, path, "vgl_not-a-key", json), HttpStatusCode.Unauthorized);
            await AssertProblemAsync(await SendAsync(method, path, curator, json), HttpStatusCode.Forbidden);
            await AssertProblemAsync(await SendAsync(method, path, reviewer, json), HttpStatusCode.Forbidden);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(method, path, admin, json)).StatusCode);
        }
    }

    [Fact]
    public async Task A_bank_and_signal_added_through_the_API_are_matched_by_lookup_within_five_seconds()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        string matcher = await KeyAsync(ApiKeyRole.Matcher);
        string fresh = new('7', 64);
        string lookup = $"/m/lookup?signal_type=pdq&signal={Near(fresh, 0b101)}";
        Assert.Equal("{}", await (await SendAsync(HttpMethod.Get, lookup, matcher)).Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/c/banks", curator, """{"name": "VIA_API"}""")).StatusCode);
        var added = await SendAsync(HttpMethod.Post, "/c/bank/VIA_API/signal", curator, $$"""{"pdq": "{{fresh}}"}""");
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        long id = (await JsonAsync(added)).GetProperty("id").GetInt64();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        JsonElement body;
        while (!(body = await JsonAsync(await SendAsync(HttpMethod.Get, lookup, matcher))).TryGetProperty("VIA_API", out _))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the bank content added through the API was not matched within 5 s");
            await Task.Delay(50);
        }
        var match = Assert.Single(body.GetProperty("VIA_API").EnumerateArray());
        Assert.Equal(id, match.GetProperty("bank_content_id").GetInt64());
        Assert.Equal("2", match.GetProperty("distance").GetString());

        // Deleting the bank through the API takes its content out of matching again.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, "/c/bank/VIA_API", curator)).StatusCode);
        clock.Restart();
        while ((await (await SendAsync(HttpMethod.Get, lookup, matcher)).Content.ReadAsStringAsync()) != "{}")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the deleted bank was still matched after 5 s");
            await Task.Delay(50);
        }
    }
}
