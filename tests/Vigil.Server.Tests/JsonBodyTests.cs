using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Hashing.Signals;
using Vigil.Storage;

namespace Vigil.Server.Tests;

/// <summary>
/// The one JSON body path (JsonBody): bank bodies take the name GET answers with, every JSON
/// endpoint refuses unknown keys by name, and text that is not UTF-8, lone surrogates, bodies over
/// the limit and broken chunked bodies are 4xx problems on every JSON endpoint, never a 500.
/// </summary>
public sealed class JsonBodyTests : LiveServerTest
{
    /// <summary>Each JSON endpoint, with a good body in which <c>S</c> stands for a string value to replace.</summary>
    private IEnumerable<(HttpMethod Method, string Path, string Template)> JsonEndpoints() =>
    [
        (HttpMethod.Post, "/c/banks", """{"name": "S"}"""),
        (HttpMethod.Put, "/c/bank/SAMPLES", """{"name": "S"}"""),
        (HttpMethod.Post, "/c/bank/SAMPLES/signal", """{"pdq": "S"}"""),
        (HttpMethod.Put, $"/c/bank/SAMPLES/content/{BridgeId}", """{"disable_until_ts": "S"}"""),
        (HttpMethod.Post, "/m/compare", """{"pdq": ["S", "S"]}"""),
        (HttpMethod.Post, "/c/bank/SAMPLES/content?url=http://127.0.0.1:9/x.jpg", """{"metadata": {"content_id": "S", "json": {"k": "S"}}}"""),
    ];

    private static HttpContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>An add-content upload of a benign image with this <c>metadata</c> field.</summary>
    private static MultipartFormDataContent UploadWithMetadata(byte[] metadata)
    {
        var form = MediaFixtures.Form(MediaFixtures.Bytes(MediaFixtures.Small128));
        form.Add(new ByteArrayContent(metadata), "metadata");
        return form;
    }

    [Fact]
    public async Task A_bank_takes_matching_enabled_ratio_the_name_GET_answers_with_and_keeps_enabled_ratio()
    {
        string key = await KeyAsync(ApiKeyRole.Curator);
        var half = await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, """{"matching_enabled_ratio": 0.5}""");
        Assert.Equal(HttpStatusCode.OK, half.StatusCode);
        Assert.Equal(0.5, (await JsonAsync(half)).GetProperty("matching_enabled_ratio").GetDouble());
        Assert.Equal(0.5, (await Store.GetBankAsync("SAMPLES"))!.EnabledRatio);
        // What GET answers can be sent back as it is.
        var read = await (await SendAsync(HttpMethod.Get, "/c/bank/SAMPLES", key)).Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, read)).StatusCode);
        Assert.Equal(0.5, (await Store.GetBankAsync("SAMPLES"))!.EnabledRatio);

        // The older name still works, and creating a bank takes either.
        var quarter = await JsonAsync(await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, """{"enabled_ratio": 0.25}"""));
        Assert.Equal(0.25, quarter.GetProperty("matching_enabled_ratio").GetDouble());
        var created = await SendAsync(HttpMethod.Post, "/c/banks", key, """{"name": "TENTH", "matching_enabled_ratio": 0.1}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(0.1, (await Store.GetBankAsync("TENTH"))!.EnabledRatio);

        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, """{"enabled_ratio": 0.2, "matching_enabled_ratio": 0.3}"""),
            HttpStatusCode.BadRequest, "enabled_ratio and matching_enabled_ratio disagree");
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, """{"matching_enabled_ratio": 1.5}"""),
            HttpStatusCode.BadRequest, "matching_enabled_ratio must be a number from 0.0 to 1.0");
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, """{"matching_enabled_ratio": "half"}"""),
            HttpStatusCode.BadRequest, "matching_enabled_ratio must be a number from 0.0 to 1.0");
        Assert.Equal(0.25, (await Store.GetBankAsync("SAMPLES"))!.EnabledRatio);
    }

    [Fact]
    public async Task Every_JSON_endpoint_refuses_an_unknown_key_by_name_and_changes_nothing()
    {
        string key = await KeyAsync(ApiKeyRole.Admin);
        var cases = new (HttpMethod Method, string Path, string Body, string Title)[]
        {
            (HttpMethod.Post, "/c/banks", """{"name": "NEW_BANK", "colour": "red"}""", "unknown field 'colour'"),
            (HttpMethod.Put, "/c/bank/SAMPLES", """{"matching_ratio": 0.5}""", "unknown field 'matching_ratio'"),
            (HttpMethod.Post, "/c/bank/SAMPLES/signal", $$"""{"pdq": "{{new string('1', 64)}}", "pdqq": "00"}""", "No such signal type pdqq"),
            (HttpMethod.Put, $"/c/bank/SAMPLES/content/{BridgeId}", """{"disable_until_ts": 0, "until": 0}""", "unknown field 'until'"),
            (HttpMethod.Post, "/m/compare", $$"""{"pdq": ["{{BridgePdq}}", "{{BridgePdq}}"], "pdqq": ["00", "00"]}""", "No such SignalType 'pdqq'"),
            (HttpMethod.Post, "/c/bank/SAMPLES/content?url=http://127.0.0.1:9/x.jpg", """{"metadata": {}, "meta": 1}""", "unknown field 'meta'"),
            (HttpMethod.Post, "/c/bank/SAMPLES/content?url=http://127.0.0.1:9/x.jpg", """{"metadata": {"content_idd": "1"}}""", "Invalid metadata"),
        };
        foreach (var (method, path, body, title) in cases)
        {
            var response = await SendAsync(method, path, key, body);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, title);
        }
        var detail = (await JsonAsync(await SendAsync(HttpMethod.Post, "/c/bank/SAMPLES/content?url=http://127.0.0.1:9/x.jpg", key,
            """{"metadata": {"content_idd": "1"}}"""))).GetProperty("detail").GetString();
        Assert.Contains("'content_idd'", detail);
        var upload = await SendContentAsync(HttpMethod.Post, "/c/bank/SAMPLES/content", key, UploadWithMetadata("""{"colour": "red"}"""u8.ToArray()));
        await AssertProblemAsync(upload, HttpStatusCode.BadRequest, "Invalid metadata");

        // Nothing was changed by any of them.
        Assert.Null(await Store.GetBankAsync("NEW_BANK"));
        var bank = (await Store.GetBankAsync("SAMPLES"))!;
        Assert.Equal((true, 1.0), (bank.Enabled, bank.EnabledRatio));
        Assert.Null((await Store.GetContentAsync(BridgeId))!.DisabledUntil);
        Assert.Equal(1, await Store.CountContentAsync("SAMPLES"));
    }

    [Fact]
    public async Task Text_that_is_not_UTF8_and_lone_surrogates_are_400_problems_on_every_JSON_endpoint()
    {
        string key = await KeyAsync(ApiKeyRole.Admin);
        var strings = new (string Name, byte[] Bytes)[]
        {
            ("an escaped high surrogate", "\\ud800"u8.ToArray()),
            ("an escaped low surrogate after text", "ab\\udc00"u8.ToArray()),
            ("a reversed pair", "\\udc00\\ud800"u8.ToArray()),
            ("raw bytes 0xff 0xfe", [0xff, 0xfe]),
            ("a UTF-8 encoded surrogate", [0xed, 0xa0, 0x80]),
        };
        foreach (var (method, path, template) in JsonEndpoints())
        {
            foreach (var (name, bytes) in strings)
            {
                string[] parts = template.Split('S');
                // Only the first string is replaced, then each one in turn: the nested free-form json too.
                for (int at = 0; at < parts.Length - 1; at++)
                {
                    var body = new List<byte>();
                    for (int i = 0; i < parts.Length; i++)
                    {
                        body.AddRange(Encoding.UTF8.GetBytes(parts[i]));
                        if (i < parts.Length - 1)
                            body.AddRange(i == at ? bytes : "a"u8.ToArray());
                    }
                    var response = await SendContentAsync(method, path, key, Json([.. body]));
                    string text = await response.Content.ReadAsStringAsync();
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} with {name} in string {at}: {(int)response.StatusCode} {text}");
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            }
        }
        foreach (var (name, bytes) in strings)
        {
            byte[] metadata = [.. """{"content_id": "x", "json": {"note": """u8, (byte)'"', .. bytes, (byte)'"', (byte)'}', (byte)'}'];
            var response = await SendContentAsync(HttpMethod.Post, "/c/bank/SAMPLES/content", key, UploadWithMetadata(metadata));
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "metadata should be a json object");
        }
        Assert.Equal(1, await Store.CountContentAsync("SAMPLES"));
        Assert.Single(await Store.ListBanksAsync());
    }

    [Fact]
    public async Task A_JSON_body_over_the_limit_is_413_whether_it_has_a_length_or_is_chunked()
    {
        string key = await KeyAsync(ApiKeyRole.Admin);
        long limit = new ServerSettings().MaxJsonBodyBytes;
        byte[] big = Encoding.ASCII.GetBytes($$"""{"name": "{{new string('A', (int)limit)}}"}""");
        foreach (var (method, path, _) in JsonEndpoints())
        {
            // With a Content-Length: refused before it is sent.
            var response = await SendContentAsync(method, path, key, Json(big), expectContinue: true);
            await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);

            // Chunked over a real socket: refused once the limit is passed.
            var chunked = new MemoryStream();
            foreach (var piece in big.Chunk(64 * 1024))
            {
                chunked.Write(Encoding.ASCII.GetBytes($"{piece.Length:x}\r\n"));
                chunked.Write(piece);
                chunked.Write("\r\n"u8);
            }
            chunked.Write("0\r\n\r\n"u8);
            var (status, head, body) = await RawHttp.SendAsync(Address, method.Method, path, key,
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", chunked.ToArray());
            Assert.True(status == 413, $"{method} {path} chunked: {head}\n{body}");
            Assert.Contains("application/problem+json", head);
        }
    }

    [Fact]
    public async Task A_broken_chunked_body_is_a_400_problem_on_every_JSON_endpoint_over_a_real_socket()
    {
        string key = await KeyAsync(ApiKeyRole.Admin);
        var broken = new[] { "ZZZ\r\nabc\r\n0\r\n\r\n", "5\r\nab", "3\r\nabcdef\r\n0\r\n\r\n" };
        foreach (var (method, path, _) in JsonEndpoints())
        {
            foreach (string body in broken)
            {
                var (status, head, text) = await RawHttp.SendAsync(Address, method.Method, path, key,
                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", Encoding.ASCII.GetBytes(body));
                Assert.True(status == 400, $"{method} {path} with {JsonSerializer.Serialize(body)}: {head}\n{text}");
                Assert.Contains("application/problem+json", head);
            }
        }
        var upload = await RawHttp.SendAsync(Address, "POST", "/c/bank/SAMPLES/content", key,
            "Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n", "ZZZ\r\nabc\r\n0\r\n\r\n"u8.ToArray());
        Assert.Equal(400, upload.Status);
        // The server is still well.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/c/bank/SAMPLES", key)).StatusCode);
    }

    [Fact]
    public async Task Fuzzed_bodies_on_every_JSON_endpoint_are_never_answered_with_a_5xx()
    {
        string key = await KeyAsync(ApiKeyRole.Admin);
        var random = new Random(20240612);
        var seeds = JsonEndpoints().Select(e => (e.Method, e.Path, Seed: Encoding.UTF8.GetBytes(e.Template.Replace("S", "0123abcd")))).ToList();
        seeds.Add((HttpMethod.Put, "/c/bank/SAMPLES", """{"name": "SAMPLES", "enabled": true, "enabled_ratio": 1, "matching_enabled_ratio": 1}"""u8.ToArray()));
        seeds.Add((HttpMethod.Put, $"/c/bank/SAMPLES/content/{BridgeId}", """{"disable_until_ts": 1}"""u8.ToArray()));
        byte[][] tokens = ["{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\""u8.ToArray(), "\\u"u8.ToArray(), "\\ud83d"u8.ToArray(),
            "null"u8.ToArray(), "1e999"u8.ToArray(), "-0"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), [0xff], [0xc0, 0x80], [0], "\\"u8.ToArray()];
        var failures = new List<string>();
        for (int i = 0; i < 400; i++)
        {
            var (method, path, seed) = seeds[random.Next(seeds.Count)];
            var bytes = seed.ToList();
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(bytes.Count + 1);
                switch (random.Next(4))
                {
                    case 0 when bytes.Count > 0:
                        bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                        break;
                    case 1:
                        bytes.InsertRange(at, tokens[random.Next(tokens.Length)]);
                        break;
                    case 2 when at < bytes.Count:
                        bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(6)));
                        break;
                    default:
                        bytes = bytes.Take(at).ToList();
                        break;
                }
            }
            var response = await SendContentAsync(method, path, key, Json([.. bytes]));
            int status = (int)response.StatusCode;
            string text = await response.Content.ReadAsStringAsync();
            if (status >= 500 || (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
                failures.Add($"{method} {path} {Convert.ToHexString([.. bytes])}: {status} {text}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    [Fact]
    public void The_signal_bodies_have_one_key_per_known_signal_type()
    {
        // pdq_variant is made by Vigil from a bank's media, never sent.
        string[] known = [.. SignalType.Known.Where(t => !t.IsDerived).Select(t => t.Name)];
        Assert.Equal(known, ServerJsonContext.Default.SignalsBody.Properties.Select(p => p.Name));
        Assert.Equal(known, ServerJsonContext.Default.CompareBody.Properties.Select(p => p.Name));
    }

    [Fact]
    public async Task Every_JSON_endpoint_answers_415_to_a_body_that_is_not_application_json_and_changes_nothing()
    {
        string admin = await KeyAsync(ApiKeyRole.Admin);
        foreach (var (method, path, template) in JsonEndpoints())
        {
            string body = template.Replace("\"S\"", "\"NEW_BANK\"");
            foreach (string type in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x" })
            {
                var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
                using var response = await SendContentAsync(method, path, admin, content);
                if (path.Contains("/content?url="))
                    continue; // refused first for its URL (no allow-list here), and its multipart form is the upload
                await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "JSON body required");
            }
        }
        Assert.Null(await Store.GetBankAsync("NEW_BANK"));

        // Any +json type is JSON.
        var patch = new StringContent("""{"name":"NEW_BANK"}""", Encoding.UTF8);
        patch.Headers.ContentType = MediaTypeHeaderValue.Parse("application/vnd.vigil+json; charset=utf-8");
        Assert.Equal(HttpStatusCode.Created, (await SendContentAsync(HttpMethod.Post, "/c/banks", admin, patch)).StatusCode);
    }
}
