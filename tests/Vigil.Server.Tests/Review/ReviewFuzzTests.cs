using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests.Review;

/// <summary>
/// Seeded, mutated requests over review's whole HTTP contract: multipart and JSON submissions (mutated context,
/// broken boundaries and framing, empty, huge and extra parts, wrong content types), claim and release, the case
/// list's parameters, item and case decisions, and media views. No answer is a 5xx, and every 4xx is a problem document.
/// </summary>
public sealed class ReviewFuzzTests(Xunit.Abstractions.ITestOutputHelper output) : LiveServerTest
{
    // Within distance 31 of the bank's bridge hash (two bits away).
    private const string NearBridge = "d8f8f0cee0f4a84f0e370222038f67f0b36e2ed596621e1d33e6b39c4e9c9b21";
    private const int UploadLimit = 64 * 1024;

    private static readonly byte[] Photo = MediaFixtures.Bytes(MediaFixtures.Small128);

    private static readonly string[] Ids =
        ["0", "-1", "00001", "9223372036854775807", "9223372036854775808", "1e3", "abc", "%00", "%FF", "1%2F2", new string('9', 400), " 1"];

    private static readonly string[] Garbage =
        ["", "%00", "%FF%FE", "%ED%A0%80", "-1", "0", "1001", "99999999999999999999", "1e3", "0x10", "+5", " 5", "5%20", "OPEN", "open%00",
         "decided,reported", "名前", new string('z', 3000), "null", "%", "%zz", "1.5", "CLEAR", "clear%20", "blurred&view=clear"];

    private readonly TempDirectory _keys = new("vigil-vault-");
    private EvidenceVault? _vault;

    // A vault, so that media is kept (without one a submission with media is the deliberate 503 "this server keeps no media",
    // which is not bad input); a small upload limit, so that an oversized part is cheap to send. No classifier is configured,
    // so no request asks for classify=true (that is the deliberate 503 "this server has no classifier").
    protected override ServerSettings Settings => base.Settings with
    {
        EvidenceVault = _vault ??= new EvidenceVault(KeyFileWrapper.Create(_keys.File("vault.key"))),
        MaxUploadBytes = UploadLimit,
    };

    protected override Task AfterServerStopsAsync()
    {
        _keys.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Three_hundred_and_sixty_mutated_review_requests_get_no_5xx_and_every_4xx_is_a_problem()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        var hashes = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter, HashContext("fuzz-hashes")));
        using var photoForm = Multipart("seed", Part("media", "photo.jpg", "image/jpeg", Photo), Part("context", null, "application/json", Encoding.UTF8.GetBytes(MediaContext)));
        var photo = await SendContentAsync(HttpMethod.Post, "/v1/cases", submitter, photoForm);
        Assert.True(photo.StatusCode == HttpStatusCode.Created, await photo.Content.ReadAsStringAsync());
        var media = await JsonAsync(photo);
        var cases = new[] { hashes, media }.Select(c => (Case: c.GetProperty("case_id").GetInt64(), Item: c.GetProperty("item_id").GetInt64())).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}")).StatusCode);

        var kinds = new (string Name, int Count, Func<Random, int, HttpRequestMessage> Make)[]
        {
            ("multipart submission", 120, (r, i) => MultipartSubmission(r, i, submitter)),
            ("json submission", 40, (r, _) => JsonSubmission(r, submitter)),
            ("claim or release", 40, (r, i) => ClaimOrRelease(r, i, reviewer, cases)),
            ("case list", 50, (r, i) => CaseList(r, i, reviewer)),
            ("decision", 70, (r, i) => Decision(r, i, reviewer, cases)),
            ("media view", 40, (r, i) => MediaView(r, i, reviewer, cases)),
        };
        var failures = new List<string>();
        var statuses = new Dictionary<(string, int), int>();
        foreach (var (kind, (name, count, make)) in kinds.Index())
        {
            // One seed per kind: a failure is replayed by its kind and number alone. The request's number walks every
            // mutation and every garbage value in turn; the seed picks the rest.
            var random = new Random(15_000 + kind);
            for (int i = 0; i < count; i++)
            {
                using var request = make(random, i);
                string what = $"{name} {i}: {request.Method} {Shorten(request.RequestUri!.ToString())} ({request.Content?.Headers.ContentType?.ToString() ?? "no body"})";
                using var response = await Http.SendAsync(request);
                int status = (int)response.StatusCode;
                string body = await response.Content.ReadAsStringAsync();
                statuses[(name, status)] = statuses.GetValueOrDefault((name, status)) + 1;
                // Kestrel itself refuses a NUL in the path (a bare 400) before any of Vigil's code runs.
                bool refusedByKestrel = status == 400 && body.Length == 0 && request.RequestUri!.OriginalString.Split('?')[0].Contains("%00");
                if (status >= 500)
                    failures.Add($"{what} -> {status} {Shorten(body)}");
                else if (status >= 400 && !refusedByKestrel && !IsProblem(response, body, status))
                    failures.Add($"{what} -> {status} without a problem document: {response.Content.Headers.ContentType} {Shorten(body)}");
            }
        }
        string seen = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key.Item1} {s.Key.Item2} x{s.Value}"));
        output.WriteLine(seen);
        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + seen);

        // The mutations reached the handlers: some were accepted, most were refused as bad input, some as too large.
        Assert.True(statuses.GetValueOrDefault(("multipart submission", 201)) > 0, seen);
        Assert.True(statuses.GetValueOrDefault(("multipart submission", 400)) > 30, seen);
        Assert.True(statuses.GetValueOrDefault(("multipart submission", 413)) > 0, seen);
        Assert.True(statuses.GetValueOrDefault(("case list", 200)) > 0 && statuses.GetValueOrDefault(("case list", 400)) > 10, seen);
        Assert.True(statuses.GetValueOrDefault(("decision", 400)) > 10 && statuses.GetValueOrDefault(("decision", 200)) > 0
            && statuses.GetValueOrDefault(("decision", 409)) > 0, seen);
        Assert.True(statuses.GetValueOrDefault(("media view", 200)) > 0 && statuses.GetValueOrDefault(("media view", 400)) > 0, seen);
        Assert.True(statuses.Where(s => s.Key.Item1 == "claim or release" && s.Key.Item2 < 300).Sum(s => s.Value) > 0, seen);
    }

    private static string HashContext(string subject) =>
        $$$"""{"subject":"{{{subject}}}","screen_name":"s","uploaded_at":"2026-12-01T10:00:00Z","ip":"192.0.2.1","port":1,"url":"https://example.org/","signals":{"pdq":"{{{NearBridge}}}","md5":"0123456789abcdef0123456789abcdef"}}""";

    private const string MediaContext = """{"subject":"fuzz-photo","screen_name":"s","file_name":"a.jpg","uploaded_at":"2026-12-01T10:00:00Z","ip":"2001:db8::1","port":443,"reason":"user_report"}""";

    private HttpRequestMessage MultipartSubmission(Random random, int i, string key)
    {
        byte[] context = random.Next(4) == 0 ? Encoding.UTF8.GetBytes(MediaContext) : Mutate(Encoding.UTF8.GetBytes(MediaContext), random);
        var mediaPart = Part("media", "photo.jpg", "image/jpeg", Photo);
        var contextPart = Part("context", null, "application/json", context);
        var parts = new List<(string Headers, byte[] Body)> { mediaPart, contextPart };
        switch (i % 14)
        {
            case 0:
                parts[0] = Part("media", "photo.jpg", Pick(random, "video/mp4", "text/plain", "", "image/x-unknown", "application/octet-stream", new string('x', 300)), Photo);
                break;
            case 1: parts[0] = Part("media", "empty.jpg", "image/jpeg", []); break;
            case 2: parts[1] = Part("context", null, "application/json", []); break;
            case 3: parts[1] = Part("context", null, "application/json", Encoding.UTF8.GetBytes("{\"subject\":\"" + new string('a', 20_000) + "\"}")); break;
            case 4: parts[0] = Part("media", "big.jpg", "image/jpeg", [.. Photo, .. new byte[UploadLimit]]); break;
            case 5: parts[0] = Part("media", "photo.jpg", "image/jpeg", Mutate(Photo, random)); break;
            case 6: parts.AddRange(Enumerable.Repeat(Part("extra", null, "text/plain", "x"u8.ToArray()), 16)); break;
            case 7: parts.Add(Part("media", "second.jpg", "image/jpeg", Photo)); break;
            case 8:
                parts[random.Next(2)] = (Pick(random, "Content-Type: image/jpeg", "Content-Disposition: attachment; name=\"media\"",
                    "Content-Disposition: form-data", "Content-Disposition: form-data; name=", "Content-Disposition: ;;;"), Photo);
                break;
            case 9: parts[0] = Part("media", "photo.jpg", "image/jpeg", Photo[..random.Next(Photo.Length)]); break;
            case 10: parts.Reverse(); break;
            case 11:
                parts[0] = Part("media", Pick(random, "../../etc/passwd", new string('n', 400), "a\\b\\c.jpg", "%00.jpg", "名前.jpg", ""), "image/jpeg", Photo);
                break;
            case 12: parts.RemoveAt(random.Next(2)); break;
            default: parts = [Part("context", null, "application/json", Encoding.UTF8.GetBytes(HashContext("fuzz-multipart")))]; break;
        }
        string boundary = "fuzz-" + random.Next(1_000_000);
        byte[] body = Frame(boundary, parts);
        string contentType = $"multipart/form-data; boundary={boundary}";
        switch (i % 12)
        {
            case 0: body = body[..random.Next(body.Length)]; break;
            case 1: body = body[..^(boundary.Length + 6)]; break;
            case 2: contentType = "multipart/form-data; boundary=other-" + boundary; break;
            case 3: contentType = "multipart/form-data"; break;
            case 4: contentType = "multipart/form-data; boundary=" + Pick(random, "\"\"", new string('b', 300), "\"unterminated", ";"); break;
            case 5: body = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(body).Replace("\r\n", "\n")); break;
            case 6: body = [.. Encoding.ASCII.GetBytes("preamble garbage --" + boundary[..3] + "\r\n"), .. body]; break;
            case 7: contentType = Pick(random, "multipart/mixed; boundary=" + boundary, "application/x-www-form-urlencoded", "text/plain", "application/json"); break;
            case 8: body = Mutate(body, random); break;
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cases" + (random.Next(8) == 0 ? "?" + Pick(random, "classify=false", "x=%FF", "&&&==&", "media=1") : ""));
        request.Content = Raw(body, contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static HttpRequestMessage JsonSubmission(Random random, string key)
    {
        byte[] body = Encoding.UTF8.GetBytes(random.Next(2) == 0 ? HashContext("fuzz-json") : """{"subject":"u","reason":"user_report","signals":{"sha256":"00"}}""");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cases") { Content = Raw(Mutate(body, random), random.Next(11) == 0 ? "text/plain" : "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static HttpRequestMessage ClaimOrRelease(Random random, int i, string key, (long Case, long Item)[] cases)
    {
        string path = i % 2 == 0
            ? "/v1/cases/claim" + (i % 4 == 0 ? "?" + Garbage[i / 4 % Garbage.Length] : "")
            : $"/v1/cases/{(i % 4 == 1 ? cases[random.Next(cases.Length)].Case.ToString() : Ids[i / 4 % Ids.Length])}/release";
        return Post(path, key, Mutate("{}"u8.ToArray(), random), random);
    }

    private static HttpRequestMessage CaseList(Random random, int i, string key)
    {
        var query = new List<string>();
        foreach (var (n, name) in new[] { "status", "after", "limit" }.Index())
        {
            if (random.Next(3) == 0)
                continue;
            string value = random.Next(4) == 0 ? Pick(random, name == "status" ? new[] { "open", "decided", "reported" } : new[] { "1", "10", "1000" }) : Garbage[(i + n * 7) % Garbage.Length];
            query.Add($"{name}={value}");
            if (random.Next(8) == 0)
                query.Add($"{name}={Pick(random, Garbage)}");
        }
        return Get("/v1/cases?" + string.Join('&', query), key);
    }

    private static HttpRequestMessage Decision(Random random, int i, string key, (long Case, long Item)[] cases)
    {
        var (caseId, itemId) = cases[random.Next(cases.Length)];
        string id = i % 5 == 0 ? Ids[i / 5 % Ids.Length] : caseId.ToString(), item = i % 5 == 1 ? Ids[i / 5 % Ids.Length] : itemId.ToString();
        bool ofItem = i % 5 == 1 || random.Next(2) == 0;
        string body = ofItem
            ? Pick(random, """{"verdict":"confirmed","classification":"B2"}""", """{"verdict":"not_abuse"}""", """{"verdict":"skip","classification":"A1"}""")
            : Pick(random, """{"verdict":"escalate"}""", """{"verdict":"no_report"}""", """{"verdict":"report"}""");
        string path = ofItem ? $"/v1/cases/{id}/items/{item}/decision" : $"/v1/cases/{id}/decision";
        // Every fourth is sent whole, so decisions also reach the lease and the case's state.
        if (i % 4 == 3)
            return new HttpRequestMessage(HttpMethod.Post, path) { Content = Raw(Encoding.UTF8.GetBytes(body), "application/json"), Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
        return Post(path, key, Mutate(Encoding.UTF8.GetBytes(body), random), random);
    }

    private static HttpRequestMessage MediaView(Random random, int i, string key, (long Case, long Item)[] cases)
    {
        var (caseId, itemId) = cases[1];
        // First every garbage view on the real item, then ids, repeated views and the real views mixed.
        if (i < Garbage.Length)
            return Get($"/v1/cases/{caseId}/items/{itemId}/media?view={Garbage[i]}", key);
        string id = i % 3 == 0 ? Ids[i / 3 % Ids.Length] : caseId.ToString(), item = i % 3 == 1 ? Ids[i / 3 % Ids.Length] : itemId.ToString();
        string query = random.Next(4) switch
        {
            0 => "",
            1 => "?view=" + Pick(random, "blurred", "clear"),
            2 => "?view=" + Pick(random, Garbage),
            _ => $"?view={Pick(random, Garbage)}&view={Pick(random, "blurred", "clear")}",
        };
        return Get($"/v1/cases/{id}/items/{item}/media{query}", key);
    }

    private static HttpRequestMessage Get(string path, string key) =>
        new(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };

    private static HttpRequestMessage Post(string path, string key, byte[] body, Random random)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = Raw(body, Pick(random, "application/json", "application/json", "application/json", "text/plain", "application/json; charset=latin1", "")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>One to three edits: a random byte, a cut, an inserted escape, brace or huge number, or a case flip.</summary>
    private static byte[] Mutate(byte[] bytes, Random random)
    {
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && bytes.Length > 0; e++)
        {
            int at = random.Next(bytes.Length);
            switch (random.Next(4))
            {
                case 0: bytes = (byte[])bytes.Clone(); bytes[at] = (byte)random.Next(256); break;
                case 1: bytes = bytes[..at]; break;
                case 2: bytes = [.. bytes[..at], .. Encoding.UTF8.GetBytes(Pick(random, "\\u0000", "{\"", "9999999999999", "\\ud800", "[[[[", "\"")), .. bytes[at..]]; break;
                default: bytes = (byte[])bytes.Clone(); bytes[at] ^= 0x20; break;
            }
        }
        return bytes;
    }

    private static (string Headers, byte[] Body) Part(string name, string? fileName, string contentType, byte[] body) =>
        ($"Content-Disposition: form-data; name=\"{name}\"" + (fileName is null ? "" : $"; filename=\"{fileName}\"")
            + (contentType.Length == 0 ? "" : $"\r\nContent-Type: {contentType}"), body);

    private static byte[] Frame(string boundary, IEnumerable<(string Headers, byte[] Body)> parts)
    {
        var body = new MemoryStream();
        foreach (var (headers, bytes) in parts)
        {
            body.Write(Encoding.UTF8.GetBytes($"--{boundary}\r\n{headers}\r\n\r\n"));
            body.Write(bytes);
            body.Write("\r\n"u8);
        }
        body.Write(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"));
        return body.ToArray();
    }

    private static ByteArrayContent Multipart(string boundary, params (string Headers, byte[] Body)[] parts) =>
        Raw(Frame(boundary, parts), $"multipart/form-data; boundary={boundary}");

    /// <summary>A body with its Content-Type header exactly as given (unchecked, so broken ones go out too); none when empty.</summary>
    private static ByteArrayContent Raw(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType.Length > 0)
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static bool IsProblem(HttpResponseMessage response, string body, int status)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return false;
        try
        {
            return JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32() == status;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
