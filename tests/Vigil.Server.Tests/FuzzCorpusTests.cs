using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Storage;

namespace Vigil.Server.Tests;

/// <summary>
/// A seeded corpus of malformed requests over every route of the endpoint table (bad path values,
/// junk queries, broken JSON, invalid UTF-8, lone surrogates, wrong types and content types, random
/// bytes, junk multipart), sent with an admin key so that each reaches its handler: no 5xx
/// (503 aside: a deliberate "not configured"), and no hang (each request has a deadline).
/// </summary>
public class FuzzCorpusTests : LiveServerTest
{
    private const int PerRoute = 24;

    private static readonly string[] PathValues =
    [
        "", "%00", "..%2F..%2Fetc%2Fpasswd", new string('A', 3000), "%FF%FE", "%ED%A0%80", "-1", "99999999999999999999999",
        "0x10", "名前", "A%20B", "%", "%zz", "null", "SAMPLES%0D%0AX-Injected:%201",
    ];

    private static readonly string[] Queries =
    [
        "?signal_type=pdq&signal=zz", "?signal_type=%FF&signal=%FE", "?banks=" + new string(',', 500), "?seed=-1&bypass_coinflip=maybe",
        "?include=everything&dihedral=2", "?url=file:///etc/passwd", "?url=http://127.0.0.1:1/x", "?types=" + new string('x', 2000),
        "?account=%00", "?signal_type=pdq&signal=" + new string('f', 65), "?a=%", "?&&&==&", "?signal_type=vpdq&signal=1,2,3",
        "?limit=-5&after=abc", "?content_type=image/x-unknown", "?state=lost&after=%FF", "?state=%00&limit=99999999999", "?state=failed&note=%3Cscript%3E",
    ];

    private static readonly string[] JsonBodies =
    [
        "{", "}", "[]", "null", "\"text\"", "123", "{\"name\":\"\\ud800\"}", "{\"name\":1}", "{\"name\":{\"a\":[1,2,{}]}}",
        "{\"enabled_ratio\":1e999}", "{\"matching_enabled_ratio\":\"half\"}", "{\"signal_type\":\"pdq\",\"signal\":null}",
        "{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}", "{\"tags\":[" + string.Join(',', Enumerable.Repeat("\"t\"", 3000)) + "]}",
        "{\"name\":\"SAMPLES\",\"name\":\"OTHER\"}", "{'name':'single quotes'}", "{\"x\":1,}", "\uFEFF{}", "{\"signals\":[{\"signal_type\":\"md5\",\"signal\":\"zz\"}]}",
        // The exchange bodies (POST /c/exchanges, PUT /c/exchange/NAME, POST /c/exchanges/api/NAME).
        "{\"bank\":\"FUZZ_FEED\",\"api\":\"fb_threatexchange\",\"api_json\":{\"privacy_group\":1e999}}",
        "{\"bank\":\"FUZZ_FEED\",\"api\":\"ncmec\",\"api_json\":{\"only_esp_ids\":{\"a\":[null]},\"environment\":\"\\ud800\"}}",
        "{\"bank\":\"FUZZ_FEED\",\"api\":\"url\",\"api_json\":{\"url\":\"file:///etc/passwd\",\"format\":7}}",
        "{\"bank\":\"" + new string('A', 300) + "\",\"api\":\"stop_ncii\",\"interval_seconds\":-99999999999999999999}",
        "{\"enabled\":null,\"interval_seconds\":1.5}", "{\"credential_json\":[1,2]}", "{\"credential_json\":\"x\"}",
    ];

    [Fact]
    public async Task Malformed_requests_over_every_route_never_get_a_5xx_or_hang()
    {
        string admin = await KeyAsync(ApiKeyRole.Admin);
        // An exchange for the exchange routes to find (their names are SAMPLES a third of the time).
        await Store.Exchanges.AddExchangeAsync(new NewExchange("SAMPLES", "stopncii", "SAMPLES"), DateTimeOffset.UtcNow);
        var endpoints = Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var routes = new List<(string Method, string Pattern)>();
        foreach (var endpoint in endpoints)
        {
            foreach (string method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                routes.Add((method, "/" + endpoint.RoutePattern.RawText!.TrimStart('/')));
        }
        routes = [.. routes.OrderBy(r => r.Method == "DELETE").ThenBy(r => r.Pattern, StringComparer.Ordinal)];

        var random = new Random(20261206);
        var failures = new List<string>();
        int sent = 0;
        foreach (var (method, pattern) in routes)
        {
            for (int i = 0; i < PerRoute; i++)
            {
                string path = FillWith(pattern, random) + (random.Next(3) == 0 ? Queries[random.Next(Queries.Length)] : "");
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
                if (method is "POST" or "PUT" or "PATCH" || random.Next(6) == 0)
                    request.Content = Body(random, i);
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                HttpResponseMessage response;
                try
                {
                    response = await Http.SendAsync(request, deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    failures.Add($"{method} {Short(path)} #{i}: no answer within 10 s");
                    continue;
                }
                catch (HttpRequestException e)
                {
                    failures.Add($"{method} {Short(path)} #{i}: connection failed: {e.Message}");
                    continue;
                }
                sent++;
                using (response)
                {
                    int status = (int)response.StatusCode;
                    if (status >= 500 && status != 503)
                        failures.Add($"{method} {Short(path)} #{i} ({request.Content?.Headers.ContentType}): {status} {Short(await response.Content.ReadAsStringAsync())}");
                }
            }
        }
        Assert.True(sent >= 500, $"only {sent} requests were answered");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent}:\n" + string.Join("\n", failures.Take(40)));
    }

    private static HttpContent Body(Random random, int i)
    {
        switch (i % 6)
        {
            case 0:
                return new StringContent(JsonBodies[random.Next(JsonBodies.Length)], Encoding.UTF8, "application/json");
            case 1:
            {
                // Invalid UTF-8 inside a JSON string.
                byte[] bytes = [.. "{\"name\":\""u8, 0xFF, 0xFE, (byte)random.Next(0x80, 0x100), .. "\"}"u8];
                var content = new ByteArrayContent(bytes);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                return content;
            }
            case 2:
            {
                var junk = new byte[random.Next(0, 4096)];
                random.NextBytes(junk);
                var content = new ByteArrayContent(junk);
                content.Headers.ContentType = new MediaTypeHeaderValue(random.Next(2) == 0 ? "application/octet-stream" : "image/jpeg");
                return content;
            }
            case 3:
                return new StringContent("name=SAMPLES&x=1", Encoding.UTF8, "text/plain");
            case 4:
            {
                var form = new MultipartFormDataContent("fuzz-boundary");
                form.Add(new StringContent("{\"name\":\"\\udfff\"}", Encoding.UTF8, "application/json"), "metadata");
                var part = new ByteArrayContent([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]);
                part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                form.Add(part, "photo", "truncated.jpg");
                return form;
            }
            default:
            {
                // A multipart body whose boundary never comes.
                var content = new StringContent("--nope\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nabc", Encoding.UTF8);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=other");
                return content;
            }
        }
    }

    private static string FillWith(string pattern, Random random) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\*?([a-zA-Z_]+)[^}]*\}", m => m.Groups[1].Value switch
        {
            "documentName" => random.Next(2) == 0 ? "v1" : PathValues[random.Next(PathValues.Length)],
            "bank_name" when random.Next(3) == 0 => "SAMPLES",
            "exchange_name" when random.Next(3) == 0 => "SAMPLES",
            "api_name" when random.Next(3) == 0 => "stop_ncii",
            _ => PathValues[random.Next(PathValues.Length)],
        });

    private static string Short(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
