using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Matching;
using Vigil.Media;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>Benign fixture images, their reference hashes, and multipart bodies carrying them.</summary>
internal static class MediaFixtures
{
    public const string Bridge = "pdq/data/bridge-mods/aaa-orig.jpg";
    public const string BridgeReferencePdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    public const string BridgeRotated90 = "pdq/data/reg-test-input/dih/bridge-2-rotate-90.jpg";
    public const string Small128 = "pdq/data/bridge-mods/square-128x128.jpg";
    public const string Square256 = "pdq/data/bridge-mods/square-256x256.jpg";
    public const string PenPng = "pdq/data/reg-test-input/pen-and-coaster.png";
    public const string LowQuality = "pdq/data/misc-images/small.jpg";
    public const string Unrelated = "pdq/data/reg-test-input/labelme-subset/q0746.jpg";

    private static readonly Lazy<Dictionary<string, Dictionary<string, string>>> s_expected = new(() =>
    {
        var rows = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var row in Fixtures.ReadCsv(Fixtures.ThreatExchange("expected-pdq.csv")))
            rows.TryAdd(row["path"], row);
        return rows;
    });

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Fixtures.ThreatExchange(relative));

    /// <summary>The reference's PDQ for a fixture (tests/fixtures/threatexchange/expected-pdq.csv).</summary>
    public static string ReferencePdq(string relative) => s_expected.Value[relative]["pdq"];

    public static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    /// <summary>A multipart/form-data body with one file in <paramref name="field"/>.</summary>
    public static MultipartFormDataContent Form(byte[] bytes, string field = "photo", string fileName = "upload.jpg")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, field, fileName);
        return form;
    }
}

/// <summary>POST /h/hash, POST /m/lookup and POST /c/bank/NAME/content with uploads; URL hashing off (the default).</summary>
public sealed class MediaEndpointTests : LiveServerTest
{
    private const string Lookup = "/m/lookup";

    [Theory]
    [InlineData(MediaFixtures.Bridge)]
    [InlineData(MediaFixtures.Small128)]
    [InlineData(MediaFixtures.Unrelated)]
    [InlineData(MediaFixtures.PenPng)]
    [InlineData("pdq/data/misc-images/wee.jpg")]
    public async Task Hash_of_an_upload_is_the_reference_pdq_in_HMAs_shape(string fixture)
    {
        var response = await SendContentAsync(HttpMethod.Post, "/h/hash", await KeyAsync(ApiKeyRole.Matcher), MediaFixtures.Form(MediaFixtures.Bytes(fixture)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal($$"""{"pdq":"{{MediaFixtures.ReferencePdq(fixture)}}"}""", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.Contains("Vigil-PDQ-Quality"));
    }

    [Fact]
    public async Task Hash_of_the_bridge_is_the_documented_reference_and_types_adds_md5()
    {
        string key = await KeyAsync(ApiKeyRole.Curator);
        byte[] bytes = MediaFixtures.Bytes(MediaFixtures.Bridge);
        var plain = await SendContentAsync(HttpMethod.Post, "/h/hash", key, MediaFixtures.Form(bytes));
        Assert.Equal(MediaFixtures.BridgeReferencePdq, (await JsonAsync(plain)).GetProperty("pdq").GetString());
        Assert.Equal("100", Assert.Single(plain.Headers.GetValues("Vigil-PDQ-Quality")));

        var both = await JsonAsync(await SendContentAsync(HttpMethod.Post, "/h/hash?types=pdq,md5", key, MediaFixtures.Form(bytes)));
        Assert.Equal(MediaFixtures.BridgeReferencePdq, both.GetProperty("pdq").GetString());
        Assert.Equal(MediaFixtures.Md5(bytes), both.GetProperty("md5").GetString());

        var md5Only = await SendContentAsync(HttpMethod.Post, "/h/hash?types=md5", key, MediaFixtures.Form(bytes));
        Assert.Equal($$"""{"md5":"{{MediaFixtures.Md5(bytes)}}"}""", await md5Only.Content.ReadAsStringAsync());

        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash?types=sha256", key, MediaFixtures.Form(bytes)),
            HttpStatusCode.BadRequest, "signal type 'sha256' doesn't exist or is disabled");
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash?types=,", key, MediaFixtures.Form(bytes)),
            HttpStatusCode.BadRequest, "empty signal type selection");
    }

    [Fact]
    public async Task Lookup_of_an_upload_finds_the_bank_item_nested_under_pdq()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        byte[] bytes = MediaFixtures.Bytes(MediaFixtures.Bridge);
        int distance = PdqHash.Distance(PdqHash.Parse(MediaFixtures.BridgeReferencePdq), PdqHash.Parse(BridgePdq));

        var response = await SendContentAsync(HttpMethod.Post, $"{Lookup}?bypass_coinflip=false", key, MediaFixtures.Form(bytes));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // HMA's shape exactly: no md5 key when the MD5 matched nothing.
        Assert.Equal($$$"""{"pdq":{"SAMPLES":[{"bank_content_id":{{{BridgeId}}},"distance":"{{{distance}}}"}]}}""", await response.Content.ReadAsStringAsync());

        Assert.Equal("""{"pdq":{}}""", await (await SendContentAsync(HttpMethod.Post, $"{Lookup}?banks=OTHER", key, MediaFixtures.Form(bytes))).Content.ReadAsStringAsync());
        Assert.Equal("""{"pdq":{}}""", await (await SendContentAsync(HttpMethod.Post, Lookup, key, MediaFixtures.Form(MediaFixtures.Bytes(MediaFixtures.Unrelated)))).Content.ReadAsStringAsync());

        var withMetadata = await JsonAsync(await SendContentAsync(HttpMethod.Post, $"{Lookup}?include=metadata&seed=1234&banks=SAMPLES", key, MediaFixtures.Form(bytes)));
        var match = Assert.Single(withMetadata.GetProperty("pdq").GetProperty("SAMPLES").EnumerateArray());
        Assert.Equal("pdq", match.GetProperty("signal").GetString());
        Assert.True(match.TryGetProperty("label", out _));

        // types=pdq,md5 names md5 explicitly, so it is there even when empty.
        var explicitTypes = await SendContentAsync(HttpMethod.Post, $"{Lookup}?types=pdq,md5", key, MediaFixtures.Form(bytes));
        var both = await JsonAsync(explicitTypes);
        Assert.Single(both.GetProperty("pdq").GetProperty("SAMPLES").EnumerateArray());
        Assert.Equal(JsonValueKind.Object, both.GetProperty("md5").ValueKind);
        Assert.Empty(both.GetProperty("md5").EnumerateObject());
    }

    [Fact]
    public async Task Lookup_with_a_disabled_bank_follows_the_coin_flip_and_bypass()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        await Store.UpdateBankAsync("SAMPLES", new BankUpdate { EnabledRatio = 0.0 });
        byte[] bytes = MediaFixtures.Bytes(MediaFixtures.Bridge);
        await WaitForAsync(async () => (await (await SendContentAsync(HttpMethod.Post, Lookup, key, MediaFixtures.Form(bytes))).Content.ReadAsStringAsync()) == """{"pdq":{}}""");
        var bypass = await JsonAsync(await SendContentAsync(HttpMethod.Post, $"{Lookup}?bypass_coinflip=true", key, MediaFixtures.Form(bytes)));
        Assert.Single(bypass.GetProperty("pdq").GetProperty("SAMPLES").EnumerateArray());
    }

    [Fact]
    public async Task Dihedral_lookup_finds_a_rotated_copy_that_the_plain_lookup_misses()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        byte[] rotated = MediaFixtures.Bytes(MediaFixtures.BridgeRotated90);

        Assert.Equal("""{"pdq":{}}""", await (await SendContentAsync(HttpMethod.Post, Lookup, key, MediaFixtures.Form(rotated))).Content.ReadAsStringAsync());
        Assert.Equal("""{"pdq":{}}""", await (await SendContentAsync(HttpMethod.Post, $"{Lookup}?dihedral=false", key, MediaFixtures.Form(rotated))).Content.ReadAsStringAsync());

        var response = await SendContentAsync(HttpMethod.Post, $"{Lookup}?dihedral=true", key, MediaFixtures.Form(rotated));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var match = Assert.Single((await JsonAsync(response)).GetProperty("pdq").GetProperty("SAMPLES").EnumerateArray());
        Assert.Equal(BridgeId, match.GetProperty("bank_content_id").GetInt64());
        Assert.True(int.Parse(match.GetProperty("distance").GetString()!) <= PdqIndex.DefaultMaxDistance);
    }

    [Fact]
    public async Task Robust_lookup_finds_a_letterboxed_copy_that_plain_and_dihedral_miss_and_says_how()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        byte[] letterboxed;
        using (var decoder = new Vigil.Media.ImageDecoder())
        using (var bridge = decoder.Decode(MediaFixtures.Bytes(MediaFixtures.Bridge)))
        using (var framed = Vigil.Media.Processing.ImageEdits.Letterbox(bridge, 0.125, Vigil.Media.Processing.Rgb.Black))
            letterboxed = Vigil.Media.Encoders.RgbPngEncoder.Encode(framed.Pixels, framed.Width, framed.Height);

        foreach (string plain in new[] { Lookup, $"{Lookup}?dihedral=true", $"{Lookup}?robust=false" })
            Assert.Equal("""{"pdq":{}}""", await (await SendContentAsync(HttpMethod.Post, plain, key, MediaFixtures.Form(letterboxed, fileName: "upload.png"))).Content.ReadAsStringAsync());

        var response = await SendContentAsync(HttpMethod.Post, $"{Lookup}?robust=true", key, MediaFixtures.Form(letterboxed, fileName: "upload.png"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var match = Assert.Single((await JsonAsync(response)).GetProperty("pdq").GetProperty("SAMPLES").EnumerateArray());
        Assert.Equal(BridgeId, match.GetProperty("bank_content_id").GetInt64());
        Assert.Equal("trimmed", match.GetProperty("variant").GetString());
        Assert.True(int.Parse(match.GetProperty("distance").GetString()!) <= PdqIndex.DefaultMaxDistance);
    }

    [Fact]
    public async Task A_low_quality_photo_is_not_matched_by_pdq_but_its_md5_still_is()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        byte[] bytes = MediaFixtures.Bytes(MediaFixtures.LowQuality);
        await Store.CreateBankAsync(new NewBank("EXACT"));
        await Store.AddContentAsync("EXACT", new NewContent([new Signal(SignalType.Pdq, MediaFixtures.ReferencePdq(MediaFixtures.LowQuality))]));
        long md5Id = (await Store.AddContentAsync("EXACT", new NewContent([new Signal(SignalType.Md5, MediaFixtures.Md5(bytes))]))).Id;
        HttpResponseMessage? response = null;
        await WaitForAsync(async () =>
        {
            response = await SendContentAsync(HttpMethod.Post, Lookup, key, MediaFixtures.Form(bytes));
            return (await response.Content.ReadAsStringAsync()).Contains("md5", StringComparison.Ordinal);
        });
        Assert.Equal("0", Assert.Single(response!.Headers.GetValues("Vigil-PDQ-Quality")));
        Assert.Equal($$$"""{"pdq":{},"md5":{"EXACT":[{"bank_content_id":{{{md5Id}}},"distance":"0"}]}}""", await response.Content.ReadAsStringAsync());

        // Without md5 in types only the (untrusted, so unmatched) PDQ is looked up.
        Assert.Equal("""{"pdq":{}}""", await (await SendContentAsync(HttpMethod.Post, $"{Lookup}?types=pdq", key, MediaFixtures.Form(bytes))).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Added_content_is_stored_with_pdq_and_md5_and_then_found_by_lookup()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        string matcher = await KeyAsync(ApiKeyRole.Matcher);
        await Store.CreateBankAsync(new NewBank("UPLOADS"));
        byte[] bytes = MediaFixtures.Bytes(MediaFixtures.PenPng);
        string pdq = MediaFixtures.ReferencePdq(MediaFixtures.PenPng);

        var form = MediaFixtures.Form(bytes, fileName: "pen.png");
        form.Add(new StringContent("""{"content_id": "case-17", "json": {"reviewed": true}}"""), "metadata");
        var response = await SendContentAsync(HttpMethod.Post, "/c/bank/UPLOADS/content", curator, form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var added = await JsonAsync(response);
        long id = added.GetProperty("id").GetInt64();
        Assert.Equal(pdq, added.GetProperty("signals").GetProperty("pdq").GetString());
        Assert.Equal(MediaFixtures.Md5(bytes), added.GetProperty("signals").GetProperty("md5").GetString());

        var stored = (await Store.GetContentAsync(id))!;
        Assert.Equal("UPLOADS", stored.BankName);
        Assert.Equal("case-17", stored.SourceId);
        using (var metadata = JsonDocument.Parse(stored.Metadata!))
        {
            Assert.Equal("pen.png", metadata.RootElement.GetProperty("file_name").GetString());
            Assert.Equal(100, metadata.RootElement.GetProperty("pdq_quality").GetInt32());
            Assert.True(metadata.RootElement.GetProperty("json").GetProperty("reviewed").GetBoolean());
        }

        // The replica follows the change log: the new item is matched within about a second.
        string expected = $$$"""{"pdq":{"UPLOADS":[{"bank_content_id":{{{id}}},"distance":"0"}]}}""";
        string? last = null;
        await WaitForAsync(async () =>
        {
            last = await (await SendContentAsync(HttpMethod.Post, $"{Lookup}?banks=UPLOADS", matcher, MediaFixtures.Form(bytes))).Content.ReadAsStringAsync();
            return last == expected;
        });
        Assert.Equal(expected, last);

        var get = await JsonAsync(await SendAsync(HttpMethod.Get, $"/c/bank/UPLOADS/content/{id}?include_signals=true", curator));
        Assert.Equal(pdq, get.GetProperty("signals").GetProperty("pdq").GetString());

        // The same file again is already in the bank.
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/c/bank/UPLOADS/content", curator, MediaFixtures.Form(bytes)), HttpStatusCode.Conflict);
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/c/bank/NO_SUCH_BANK/content", curator, MediaFixtures.Form(bytes)),
            HttpStatusCode.NotFound, "bank 'NO_SUCH_BANK' not found");
    }

    [Theory]
    [InlineData("[1, 2]", "metadata should be a json object")]
    [InlineData("{not json", "metadata should be a json object")]
    [InlineData("""{"colour": "red"}""", "Invalid metadata")]
    [InlineData("""{"content_id": 7}""", "Invalid metadata")]
    [InlineData("""{"json": "text"}""", "Invalid metadata")]
    public async Task Add_content_refuses_metadata_HMA_would_refuse(string metadata, string title)
    {
        var form = MediaFixtures.Form(MediaFixtures.Bytes(MediaFixtures.Small128));
        form.Add(new StringContent(metadata), "metadata");
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/c/bank/SAMPLES/content", await KeyAsync(ApiKeyRole.Curator), form),
            HttpStatusCode.BadRequest, title);
    }

    [Fact]
    public async Task Add_content_needs_a_file_or_a_url()
    {
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/bank/SAMPLES/content", await KeyAsync(ApiKeyRole.Curator), "{}"),
            HttpStatusCode.BadRequest, "Neither `url` nor multipart file upload was received");
    }

    public static TheoryData<string, string> BadUploads() => new()
    {
        { "text", "not an image" },
        { "random", "not an image" },
        { "empty", "empty file" },
        { "truncated-jpeg", "truncated image" },
        { "corrupt-jpeg", "" },
        { "truncated-png", "truncated image" },
        { "gif-header", "" },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task Bad_files_are_4xx_problems_never_500(string kind, string title)
    {
        byte[] jpeg = MediaFixtures.Bytes(MediaFixtures.Small128);
        byte[] png = MediaFixtures.Bytes(MediaFixtures.PenPng);
        byte[] bytes = kind switch
        {
            "text" => Encoding.UTF8.GetBytes("this is a text file, not a picture\n"),
            "random" => RandomBytes(5000, 7),
            "empty" => [],
            "truncated-jpeg" => jpeg[..(jpeg.Length / 2)],
            "corrupt-jpeg" => [.. jpeg[..200], .. RandomBytes(3000, 9)],
            "truncated-png" => png[..(png.Length / 3)],
            "gif-header" => [.. "GIF89a"u8, 0x10, 0x00, 0x10, 0x00, 0xF7, 0, 0],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        foreach (string path in new[] { "/h/hash", Lookup, "/c/bank/SAMPLES/content" })
        {
            var response = await SendContentAsync(HttpMethod.Post, path, await KeyAsync(ApiKeyRole.Admin), MediaFixtures.Form(bytes));
            int status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{kind} on {path}: {status} {await response.Content.ReadAsStringAsync()}");
            await AssertProblemAsync(response, response.StatusCode, title.Length > 0 ? title : null);
        }
    }

    [Fact]
    public async Task Malformed_requests_are_400_problems()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        byte[] jpeg = MediaFixtures.Bytes(MediaFixtures.Small128);

        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/h/hash", key, """{"photo": "x"}"""), HttpStatusCode.BadRequest, "Missing multipart/form-data file upload");
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash", key, null), HttpStatusCode.BadRequest, "Missing multipart/form-data file upload");
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash", key, MediaFixtures.Form(jpeg, field: "file")), HttpStatusCode.BadRequest, "no such content_type: 'file'");
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, Lookup, key, MediaFixtures.Form(jpeg, field: "file")), HttpStatusCode.BadRequest, "no such content_type: 'file'");

        // A still image sent as a video is refused (ffmpeg would read it as a one-frame video).
        var video = await SendContentAsync(HttpMethod.Post, "/h/hash", key, MediaFixtures.Form(jpeg, field: "video", fileName: "clip.mp4"));
        await AssertProblemAsync(video, HttpStatusCode.UnsupportedMediaType, "not a video");

        var two = MediaFixtures.Form(jpeg);
        two.Add(new ByteArrayContent(jpeg), "photo", "second.jpg");
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash", key, two), HttpStatusCode.BadRequest, "Only one file allowed per request");

        var noFile = new MultipartFormDataContent { { new StringContent("hello"), "note" } };
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash", key, noFile), HttpStatusCode.BadRequest, "Missing multipart/form-data file upload");

        var garbled = new ByteArrayContent(Encoding.ASCII.GetBytes("--abc\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\r\nxx"));
        garbled.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=abc");
        var garbledResponse = await SendContentAsync(HttpMethod.Post, "/h/hash", key, garbled);
        await AssertProblemAsync(garbledResponse, HttpStatusCode.BadRequest);

        var noBoundary = new ByteArrayContent(jpeg);
        noBoundary.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash", key, noBoundary), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Media_endpoints_need_a_key_with_the_right_role()
    {
        string reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        string curator = await KeyAsync(ApiKeyRole.Curator);
        string matcher = await KeyAsync(ApiKeyRole.Matcher);
        string admin = await KeyAsync(ApiKeyRole.Admin);
        byte[] jpeg = MediaFixtures.Bytes(MediaFixtures.Small128);
        var calls = new (HttpMethod Method, string Path, string[] Allowed)[]
        {
            (HttpMethod.Post, "/h/hash", [curator, matcher, admin]),
            (HttpMethod.Get, "/h/hash?url=http%3A%2F%2F127.0.0.1%3A9%2Fa.jpg", [curator, matcher, admin]),
            (HttpMethod.Post, Lookup, [matcher, admin]),
            (HttpMethod.Post, "/c/bank/SAMPLES/content", [curator, admin]),
        };
        foreach (var (method, path, allowed) in calls)
        {
            HttpContent? Body() => method == HttpMethod.Post ? MediaFixtures.Form(jpeg) : null;
            await AssertProblemAsync(await SendContentAsync(method, path, null, Body()), HttpStatusCode.Unauthorized);
            await AssertProblemAsync(await SendContentAsync(method, path, "not-a-key", Body()), HttpStatusCode.Unauthorized);
            await AssertProblemAsync(await SendContentAsync(method, path, reviewer, Body()), HttpStatusCode.Forbidden, "role not allowed");
            foreach (string key in new[] { curator, matcher })
            {
                var response = await SendContentAsync(method, path, key, Body());
                if (Array.IndexOf(allowed, key) < 0)
                {
                    await AssertProblemAsync(response, HttpStatusCode.Forbidden, "role not allowed");
                }
                else
                {
                    string? title = response.StatusCode == HttpStatusCode.Forbidden ? (await JsonAsync(response)).GetProperty("title").GetString() : null;
                    Assert.NotEqual("role not allowed", title);
                }
            }
        }
    }

    [Fact]
    public async Task Uploads_over_Kestrels_default_body_limit_are_accepted_up_to_the_setting()
    {
        // Kestrel refuses bodies over 30,000,000 bytes unless told otherwise; the default setting is 50 MiB.
        byte[] big = new byte[35 * 1024 * 1024];
        big[^1] = 1;
        var response = await SendContentAsync(HttpMethod.Post, "/h/hash?types=md5", await KeyAsync(ApiKeyRole.Matcher), MediaFixtures.Form(big));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(MediaFixtures.Md5(big), (await JsonAsync(response)).GetProperty("md5").GetString());
    }

    [Fact]
    public async Task Hashing_urls_is_off_by_default()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        string url = Uri.EscapeDataString("http://127.0.0.1:9/aaa-orig.jpg");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/h/hash?url={url}", key), HttpStatusCode.Forbidden, "fetching URLs is off");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"/c/bank/SAMPLES/content?url={url}", await KeyAsync(ApiKeyRole.Curator)),
            HttpStatusCode.Forbidden, "fetching URLs is off");
    }

    [Fact]
    public async Task Site_map_lists_the_media_routes()
    {
        var routes = (await JsonAsync(await SendAsync(HttpMethod.Get, "/site-map", await KeyAsync(ApiKeyRole.Matcher))))
            .EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("/h/hash", routes);
        Assert.Contains("/c/bank/<bank_name>/content", routes);
    }

    /// <summary>Hundreds of damaged, mutated, random and malformed uploads: every answer is 200 or a 4xx problem, never 5xx.</summary>
    [Fact]
    public async Task Fuzzed_uploads_never_give_a_5xx()
    {
        string key = await KeyAsync(ApiKeyRole.Admin);
        var seeds = new[]
        {
            MediaFixtures.Bytes(MediaFixtures.Small128),
            MediaFixtures.Bytes("pdq/data/misc-images/wee.jpg"),
            MediaFixtures.Bytes(MediaFixtures.LowQuality),
            MediaFixtures.Bytes("pdq/data/misc-images/modes/1.png"),
            MediaFixtures.Bytes("pdq/data/misc-images/modes/F.webp"),
            [.. "GIF89a"u8, 8, 0, 8, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, 0x2C, 0, 0, 0, 0, 8, 0, 8, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B],
        };
        var random = new Random(20240601);
        var cases = new List<(string Name, HttpContent Content, string Path)>();
        string[] paths = ["/h/hash", Lookup, "/m/lookup?dihedral=true", "/c/bank/SAMPLES/content"];
        for (int i = 0; i < 320; i++)
        {
            byte[] seed = seeds[random.Next(seeds.Length)];
            byte[] bytes = Mutate(seed, random, out string how);
            string path = paths[random.Next(paths.Length)];
            HttpContent content;
            if (i % 16 == 15)
            {
                // A malformed multipart body around the bytes.
                var raw = new ByteArrayContent([.. Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"photo\"\r\n"), .. bytes]);
                raw.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
                content = raw;
                how += " in a malformed multipart body";
            }
            else
            {
                content = MediaFixtures.Form(bytes, fileName: $"fuzz-{i}.bin");
            }
            cases.Add(($"case {i} ({how}) on {path}", content, path));
        }
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        int ok = 0;
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, _) =>
        {
            var response = await SendContentAsync(HttpMethod.Post, c.Path, key, c.Content);
            string body = await response.Content.ReadAsStringAsync();
            int status = (int)response.StatusCode;
            if (status >= 500)
                failures.Add($"{c.Name}: {status} {body}");
            else if (status == 200)
                Interlocked.Increment(ref ok);
            else if (status is not (400 or 409 or 413 or 415 or 422) || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                failures.Add($"{c.Name}: unexpected {status} {body}");
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        Assert.True(ok > 0, "no fuzzed upload decoded at all; the mutations are too heavy to test the decoders");
    }

    private static byte[] Mutate(byte[] seed, Random random, out string how)
    {
        switch (random.Next(6))
        {
            case 0:
            {
                byte[] copy = (byte[])seed.Clone();
                int flips = 1 + random.Next(8);
                for (int f = 0; f < flips; f++)
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                how = $"{flips} bytes changed";
                return copy;
            }
            case 1:
            {
                int length = random.Next(seed.Length);
                how = $"cut at {length}";
                return seed[..length];
            }
            case 2:
            {
                int at = random.Next(seed.Length);
                byte[] junk = RandomBytes(1 + random.Next(200), random.Next());
                how = $"{junk.Length} bytes inserted at {at}";
                return [.. seed[..at], .. junk, .. seed[at..]];
            }
            case 3:
            {
                int at = random.Next(seed.Length);
                int length = Math.Min(seed.Length - at, 1 + random.Next(500));
                how = $"{length} bytes removed at {at}";
                return [.. seed[..at], .. seed[(at + length)..]];
            }
            case 4:
            {
                int keep = Math.Min(seed.Length, 2 + random.Next(64));
                how = $"header of {keep} bytes then noise";
                return [.. seed[..keep], .. RandomBytes(random.Next(4000), random.Next())];
            }
            default:
                how = "unchanged";
                return seed;
        }
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(5))
                return;
            await Task.Delay(50);
        }
    }
}

/// <summary>The upload limit: 413 problems for files over it, however they arrive.</summary>
public sealed class MediaUploadLimitTests : LiveServerTest
{
    private const long Limit = 20_000;

    protected override ServerSettings Settings => base.Settings with { MaxUploadBytes = Limit };

    [Fact]
    public async Task Files_within_the_limit_are_hashed_and_larger_ones_get_413()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        byte[] small = MediaFixtures.Bytes(MediaFixtures.Small128);
        Assert.True(small.Length < Limit);
        var ok = await SendContentAsync(HttpMethod.Post, "/h/hash", key, MediaFixtures.Form(small));
        Assert.Equal(MediaFixtures.ReferencePdq(MediaFixtures.Small128), (await JsonAsync(ok)).GetProperty("pdq").GetString());

        // Over the file limit but within the multipart allowance: read up to the limit, then refused.
        byte[] medium = MediaFixtures.Bytes(MediaFixtures.Square256);
        Assert.True(medium.Length > Limit && medium.Length < Limit + MediaEndpoints.MultipartOverheadBytes);
        foreach (string path in new[] { "/h/hash", "/m/lookup", "/c/bank/SAMPLES/content" })
            await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, path, await KeyAsync(ApiKeyRole.Admin), MediaFixtures.Form(medium)),
                HttpStatusCode.RequestEntityTooLarge, "Content too large");

        // Exactly at the limit is fine (as far as size goes: these bytes are no image).
        var atLimit = await SendContentAsync(HttpMethod.Post, "/h/hash?types=md5", key, MediaFixtures.Form(new byte[Limit]));
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        await AssertProblemAsync(await SendContentAsync(HttpMethod.Post, "/h/hash?types=md5", key, MediaFixtures.Form(new byte[Limit + 1])),
            HttpStatusCode.RequestEntityTooLarge);

        // Without a Content-Length (chunked), the same.
        var chunked = new MultipartFormDataContent();
        var stream = new StreamContent(new NonSeekableStream(medium));
        chunked.Add(stream, "photo", "chunked.jpg");
        var response = await SendContentAsync(HttpMethod.Post, "/h/hash", key, new ChunkedContent(chunked));
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "Content too large");
    }

    [Fact]
    public async Task A_body_far_over_the_limit_is_refused_from_its_content_length_before_it_is_sent()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        byte[] large = MediaFixtures.Bytes(MediaFixtures.Bridge);
        var response = await SendContentAsync(HttpMethod.Post, "/h/hash", key, MediaFixtures.Form(large), expectContinue: true);
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "Content too large");
        string detail = (await JsonAsync(response)).GetProperty("detail").GetString()!;
        Assert.Contains("20,000 bytes", detail);
    }

    /// <summary>A stream that cannot tell its length, so the client sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    /// <summary>Wraps content so it is sent without a Content-Length.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly HttpContent _inner;

        public ChunkedContent(HttpContent inner)
        {
            _inner = inner;
            foreach (var header in inner.Headers)
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            Headers.ContentLength = null;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// GET /h/hash?url= and add-content by URL against a local listener on 127.0.0.1 (never the
/// internet): only allow-listed prefixes, every redirect re-checked, within the size limit and the
/// timeout.
/// </summary>
public sealed class MediaUrlHashingTests : LiveServerTest
{
    private WebApplication _origin = null!;
    private int _port;
    private int _secretHits;

    private string Origin => $"http://127.0.0.1:{_port}";

    protected override ServerSettings Settings => base.Settings with
    {
        HashUrlAllowList = [$"{Origin}/allowed/"],
        MaxUploadBytes = 400_000,
        HashUrlTimeout = TimeSpan.FromSeconds(2),
    };

    protected override async Task BeforeServerStartsAsync()
    {
        byte[] bridge = MediaFixtures.Bytes(MediaFixtures.Bridge);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _origin = builder.Build();
        _origin.MapGet("/allowed/bridge.jpg", () => Results.Bytes(bridge, "image/jpeg"));
        _origin.MapGet("/allowed/bridge.bin", () => Results.Bytes(bridge, "application/octet-stream"));
        byte[] clip = File.ReadAllBytes(Fixtures.ThreatExchange("tmk/sample-videos/test-padded-dimensions.mp4"));
        _origin.MapGet("/allowed/clip.mp4", () => Results.Bytes(clip, "video/mp4"));
        _origin.MapGet("/allowed/clip.bin", () => Results.Bytes(clip, "application/octet-stream"));
        _origin.MapGet("/allowed/fake.mp4", () => Results.Bytes(bridge, "video/mp4"));
        _origin.MapGet("/allowed/big.jpg", () => Results.Bytes(new byte[500_000], "image/jpeg"));
        _origin.MapGet("/allowed/big-chunked.jpg", async (HttpContext context) =>
        {
            context.Response.ContentType = "image/jpeg";
            for (int i = 0; i < 50; i++)
                await context.Response.Body.WriteAsync(new byte[10_000]);
        });
        _origin.MapGet("/allowed/slow.jpg", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(20), ct);
            return Results.Bytes(bridge, "image/jpeg");
        });
        _origin.MapGet("/allowed/gone.jpg", () => Results.NotFound());
        _origin.MapGet("/allowed/redirect-in", () => Results.Redirect("/allowed/bridge.jpg"));
        _origin.MapGet("/allowed/redirect-out", () => Results.Redirect("/secret/bridge.jpg"));
        _origin.MapGet("/allowed/redirect-host", () => Results.Redirect($"http://localhost:{_port}/allowed/bridge.jpg"));
        _origin.MapGet("/allowed/redirect-loop", () => Results.Redirect("/allowed/redirect-loop"));
        _origin.MapGet("/secret/bridge.jpg", () =>
        {
            Interlocked.Increment(ref _secretHits);
            return Results.Bytes(bridge, "image/jpeg");
        });
        await _origin.StartAsync();
        string address = _origin.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _port = new Uri(address).Port;
    }

    protected override async Task AfterServerStopsAsync()
    {
        await _origin.StopAsync();
        await _origin.DisposeAsync();
    }

    private async Task<HttpResponseMessage> HashUrlAsync(string url, string extra = "") =>
        await SendAsync(HttpMethod.Get, $"/h/hash?url={Uri.EscapeDataString(url)}{extra}", await KeyAsync(ApiKeyRole.Matcher));

    [Fact]
    public async Task An_allowed_url_is_fetched_and_hashed_like_an_upload()
    {
        var response = await HashUrlAsync($"{Origin}/allowed/bridge.jpg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""{"pdq":"{{MediaFixtures.BridgeReferencePdq}}"}""", await response.Content.ReadAsStringAsync());

        // A redirect that stays inside the allow-list is followed.
        Assert.Equal(HttpStatusCode.OK, (await HashUrlAsync($"{Origin}/allowed/redirect-in")).StatusCode);

        // HMA takes the content type from the download unless content_type says it.
        await AssertProblemAsync(await HashUrlAsync($"{Origin}/allowed/bridge.bin"), HttpStatusCode.BadRequest, "unsupported url ContentType: 'application/octet-stream'");
        var typed = await HashUrlAsync($"{Origin}/allowed/bridge.bin", "&content_type=photo&types=pdq,md5");
        Assert.Equal(MediaFixtures.BridgeReferencePdq, (await JsonAsync(typed)).GetProperty("pdq").GetString());
        Assert.Equal(MediaFixtures.Md5(MediaFixtures.Bytes(MediaFixtures.Bridge)), (await JsonAsync(typed)).GetProperty("md5").GetString());
        // A video by its Content-Type, or by content_type=video.
        var clip = await JsonAsync(await HashUrlAsync($"{Origin}/allowed/clip.mp4"));
        string clipMd5 = MediaFixtures.Md5(File.ReadAllBytes(Fixtures.ThreatExchange("tmk/sample-videos/test-padded-dimensions.mp4")));
        Assert.Equal(clipMd5, clip.GetProperty("video_md5").GetString());
        Assert.Equal(5, VpdqSignal.Parse(clip.GetProperty("vpdq").GetString()!).Count);
        var typedClip = await JsonAsync(await HashUrlAsync($"{Origin}/allowed/clip.bin", "&content_type=video&types=video_md5"));
        Assert.Equal(clipMd5, typedClip.GetProperty("video_md5").GetString());
        await AssertProblemAsync(await HashUrlAsync($"{Origin}/allowed/fake.mp4"), HttpStatusCode.UnsupportedMediaType, "not a video");
        await AssertProblemAsync(await HashUrlAsync($"{Origin}/allowed/bridge.jpg", "&content_type=audio"), HttpStatusCode.BadRequest, "no such content_type: 'audio'");
    }

    [Fact]
    public async Task Lookup_by_url_gives_HMAs_nested_answer_and_signal_type_picks_one_part()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        string bridge = Uri.EscapeDataString($"{Origin}/allowed/bridge.jpg");
        int distance = PdqHash.Distance(PdqHash.Parse(MediaFixtures.BridgeReferencePdq), PdqHash.Parse(BridgePdq));
        var nested = await SendAsync(HttpMethod.Get, $"/m/lookup?url={bridge}", key);
        Assert.Equal($$$"""{"pdq":{"SAMPLES":[{"bank_content_id":{{{BridgeId}}},"distance":"{{{distance}}}"}]}}""", await nested.Content.ReadAsStringAsync());
        var flat = await SendAsync(HttpMethod.Get, $"/m/lookup?url={bridge}&signal_type=pdq", key);
        Assert.Equal($$$"""{"SAMPLES":[{"bank_content_id":{{{BridgeId}}},"distance":"{{{distance}}}"}]}""", await flat.Content.ReadAsStringAsync());
        Assert.Equal("{}", await (await SendAsync(HttpMethod.Get, $"/m/lookup?url={bridge}&signal_type=md5", key)).Content.ReadAsStringAsync());
        Assert.Equal("""{"vpdq":{}}""", await (await SendAsync(HttpMethod.Get, $"/m/lookup?url={Uri.EscapeDataString($"{Origin}/allowed/clip.mp4")}", key)).Content.ReadAsStringAsync());

        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/m/lookup?url={bridge}&signal_type=nope", key), HttpStatusCode.BadRequest, "No such SignalType 'nope'");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/m/lookup?url={Uri.EscapeDataString($"{Origin}/secret/bridge.jpg")}", key),
            HttpStatusCode.Forbidden, "URL not allowed");
        Assert.Equal(0, _secretHits);
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/m/lookup?url={bridge}", await KeyAsync(ApiKeyRole.Curator)), HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("{0}/secret/bridge.jpg")]
    [InlineData("{0}/allowed/../secret/bridge.jpg")]
    [InlineData("{0}/allowed/%2e%2e/secret/bridge.jpg")]
    [InlineData("{0}/allowed/..%2fsecret/bridge.jpg")]
    [InlineData("{0}/allowed")]
    [InlineData("{0}/allowedx/bridge.jpg")]
    [InlineData("http://localhost:{1}/allowed/bridge.jpg")]
    [InlineData("http://127.0.0.1.evil.example:{1}/allowed/bridge.jpg")]
    [InlineData("http://127.0.0.1:{1}@evil.example/allowed/bridge.jpg")]
    [InlineData("http://user:pass@127.0.0.1:{1}/allowed/bridge.jpg")]
    [InlineData("http://evil.example/allowed/bridge.jpg?u=http://127.0.0.1:{1}/allowed/")]
    [InlineData("http://evil.example/#http://127.0.0.1:{1}/allowed/")]
    [InlineData("https://127.0.0.1:{1}/allowed/bridge.jpg")]
    [InlineData("http://127.0.0.1:{2}/allowed/bridge.jpg")]
    [InlineData("http://127.0.0.1/allowed/bridge.jpg")]
    public async Task Urls_outside_the_allow_list_are_refused_without_being_fetched(string template)
    {
        string url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Origin, _port, _port + 1);
        await AssertProblemAsync(await HashUrlAsync(url), HttpStatusCode.Forbidden, "URL not allowed");
        Assert.Equal(0, _secretHits);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1/allowed/bridge.jpg")]
    [InlineData("gopher://127.0.0.1:70/")]
    [InlineData("/allowed/bridge.jpg")]
    [InlineData("not a url")]
    public async Task Non_http_urls_are_400(string url)
    {
        await AssertProblemAsync(await HashUrlAsync(url), HttpStatusCode.BadRequest, "Invalid or unsafe URL provided");
    }

    [Fact]
    public async Task Redirects_to_places_outside_the_allow_list_are_refused()
    {
        await AssertProblemAsync(await HashUrlAsync($"{Origin}/allowed/redirect-out"), HttpStatusCode.Forbidden, "redirect not allowed");
        await AssertProblemAsync(await HashUrlAsync($"{Origin}/allowed/redirect-host"), HttpStatusCode.Forbidden, "redirect not allowed");
        Assert.Equal(0, _secretHits);
        await AssertProblemAsync(await HashUrlAsync($"{Origin}/allowed/redirect-loop"), HttpStatusCode.BadGateway, "Failed to fetch URL");
    }

    [Fact]
    public async Task Downloads_are_bounded_by_the_size_limit_and_the_timeout()
    {
        await AssertProblemAsync(await HashUrlAsync($"{Origin}/allowed/big.jpg"), HttpStatusCode.RequestEntityTooLarge, "Content too large");
        await AssertProblemAsync(await HashUrlAsync($"{Origin}/allowed/big-chunked.jpg"), HttpStatusCode.RequestEntityTooLarge, "Content too large");
        await AssertProblemAsync(await HashUrlAsync($"{Origin}/allowed/gone.jpg"), HttpStatusCode.BadGateway, "Failed to fetch URL");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await AssertProblemAsync(await HashUrlAsync($"{Origin}/allowed/slow.jpg"), HttpStatusCode.GatewayTimeout, "Failed to fetch URL");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the timeout took {clock.Elapsed}");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/h/hash", await KeyAsync(ApiKeyRole.Matcher)), HttpStatusCode.BadRequest, "url is required");
    }

    [Fact]
    public async Task Content_can_be_added_by_url_with_HMAs_json_metadata()
    {
        string url = $"{Origin}/allowed/bridge.jpg";
        string curator = await KeyAsync(ApiKeyRole.Curator);
        await Store.CreateBankAsync(new NewBank("FETCHED"));
        var response = await SendAsync(HttpMethod.Post, $"/c/bank/FETCHED/content?url={Uri.EscapeDataString(url)}", curator,
            """{"metadata": {"content_id": "ticket-9", "content_uri": "https://example.org/report/9"}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var added = await JsonAsync(response);
        Assert.Equal(MediaFixtures.BridgeReferencePdq, added.GetProperty("signals").GetProperty("pdq").GetString());
        var stored = (await Store.GetContentAsync(added.GetProperty("id").GetInt64()))!;
        Assert.Equal("ticket-9", stored.SourceId);
        using var metadata = JsonDocument.Parse(stored.Metadata!);
        Assert.Equal("https://example.org/report/9", metadata.RootElement.GetProperty("content_uri").GetString());

        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"/c/bank/FETCHED/content?url={Uri.EscapeDataString($"{Origin}/secret/bridge.jpg")}", curator),
            HttpStatusCode.Forbidden, "URL not allowed");
        Assert.Equal(0, _secretHits);
    }
}

/// <summary>The allow-list's parsing and matching on its own, with the usual lookalike tricks.</summary>
public sealed class HashUrlAllowListTests
{
    [Theory]
    [InlineData("https://media.example.org")]
    [InlineData("https://media.example.org/")]
    [InlineData("https://media.example.org:8443/uploads/")]
    [InlineData("http://127.0.0.1:8080/files")]
    [InlineData("http://[::1]:8080/")]
    public void Valid_prefixes_are_accepted(string entry)
    {
        Assert.True(UrlPrefixAllowList.TryValidateEntry(entry, out string? error), error);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("media.example.org", "not an absolute URL")]
    [InlineData("ftp://media.example.org/", "scheme")]
    [InlineData("file:///srv/media", "scheme")]
    [InlineData("https://user:secret@media.example.org/", "user name")]
    [InlineData("https://media.example.org/?token=1", "query")]
    [InlineData("https://media.example.org/#x", "fragment")]
    public void Invalid_prefixes_say_why(string entry, string reason)
    {
        Assert.False(UrlPrefixAllowList.TryValidateEntry(entry, out string? error));
        Assert.Contains(reason, error);
        Assert.Throws<ArgumentException>(() => UrlPrefixAllowList.Parse([entry]));
    }

    [Theory]
    [InlineData("https://example.org/a.jpg", true)]
    [InlineData("https://EXAMPLE.org/a.jpg", true)]
    [InlineData("https://example.org./a.jpg", true)]
    [InlineData("https://example.org:443/a.jpg?sig=1", true)]
    [InlineData("https://example.org.evil.com/a.jpg", false)]
    [InlineData("https://evil.com/example.org/a.jpg", false)]
    [InlineData("https://example.org@evil.com/a.jpg", false)]
    [InlineData("https://evil.com@example.org/a.jpg", false)]
    [InlineData("https://cdn.example.org/a.jpg", false)]
    [InlineData("https://example.org:8443/a.jpg", false)]
    [InlineData("http://example.org/a.jpg", false)]
    [InlineData("https://exam%70le.org/a.jpg", false)]
    public void Hosts_are_compared_after_parsing(string url, bool allowed)
    {
        var list = UrlPrefixAllowList.Parse(["https://example.org"]);
        Assert.Equal(allowed, Uri.TryCreate(url, UriKind.Absolute, out var uri) && list.IsAllowed(uri, out _));
    }

    [Theory]
    [InlineData("https://example.org/media/a.jpg", true)]
    [InlineData("https://example.org/media", true)]
    [InlineData("https://example.org/media/sub/a.jpg", true)]
    [InlineData("https://example.org/media-private/a.jpg", false)]
    [InlineData("https://example.org/mediaa.jpg", false)]
    [InlineData("https://example.org/media/../private/a.jpg", false)]
    [InlineData("https://example.org/media/%2e%2e/private/a.jpg", false)]
    [InlineData("https://example.org/media/..%2fprivate/a.jpg", false)]
    [InlineData("https://example.org/media/%252e%252e/private/a.jpg", false)]
    [InlineData("https://example.org/private/a.jpg", false)]
    [InlineData("https://example.org/", false)]
    public void Paths_are_compared_by_whole_segments(string url, bool allowed)
    {
        var list = UrlPrefixAllowList.Parse(["https://example.org/media"]);
        Assert.Equal(allowed, list.IsAllowed(new Uri(url), out _));
    }

    [Fact]
    public void An_empty_list_allows_nothing()
    {
        var list = UrlPrefixAllowList.Parse([]);
        Assert.True(list.IsEmpty);
        Assert.False(list.IsAllowed(new Uri("https://example.org/a.jpg"), out string? why));
        Assert.Equal("no URL is allowed", why);
    }
}

/// <summary><c>vigil serve --compat pytx</c>: the media endpoints hash as python-threatexchange does.</summary>
public sealed class MediaPytxCompatTests : LiveServerTest
{
    protected override ServerSettings Settings => base.Settings with { Compat = Vigil.Media.DecodeCompat.Pytx };

    [Theory]
    [InlineData("pdq/data/misc-images/modes/P.png")]
    [InlineData("pdq/data/misc-images/modes/CMYK.jpg")]
    [InlineData("pytx/I16.png")]
    [InlineData(MediaFixtures.Bridge)]
    public async Task Hash_is_pythons_threatexchanges(string fixture)
    {
        var row = Fixtures.ReadCsv(Fixtures.ThreatExchange("expected-pdq.csv")).Single(r => r["path"] == fixture);
        string expected = row["pytx_quirk_pdq"].Length > 0 ? row["pytx_quirk_pdq"] : row["pdq"];
        var response = await SendContentAsync(HttpMethod.Post, "/h/hash", await KeyAsync(ApiKeyRole.Matcher), MediaFixtures.Form(MediaFixtures.Bytes(fixture)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal($$"""{"pdq":"{{expected}}"}""", await response.Content.ReadAsStringAsync());
    }
}
