using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Hashing.Signals;
using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>A real server on 127.0.0.1:0 over a temporary SQLite store holding bank SAMPLES with one PDQ item.</summary>
public abstract class LiveServerTest : IAsyncLifetime
{
    protected const string BridgePdq = "d8f8f0cee0f4a84f0e370222038f67f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private readonly TempDirectory _dir = new();
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    protected SqliteVigilStore Store { get; private set; } = null!;

    protected long BridgeId { get; private set; }

    public async Task InitializeAsync()
    {
        Store = await SqliteVigilStore.OpenAsync(Path.Combine(_dir.Path, "vigil.db"));
        await Store.CreateBankAsync(new NewBank("SAMPLES"));
        BridgeId = (await Store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.Pdq, BridgePdq)]))).Id;
        _app = VigilServer.Build(Store, new ServerSettings { Urls = "http://127.0.0.1:0", FollowInterval = TimeSpan.FromMilliseconds(200), KeyCacheTime = TimeSpan.FromMilliseconds(200) },
            logging => { });
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await _http.GetAsync("/status")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the index did not load");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    protected async Task<string> KeyAsync(ApiKeyRole role)
    {
        string secret = ApiKeySecrets.Generate();
        await Store.CreateApiKeyAsync($"{role}-{Guid.NewGuid():N}", role, ApiKeySecrets.Hash(secret));
        return secret;
    }

    /// <summary>Sends a request; <paramref name="json"/> is sent verbatim as an application/json body.</summary>
    protected async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await _http.SendAsync(request);
    }

    protected static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Asserts a problem document with this status (and title, when given).</summary>
    protected static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? title = null)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        if (title is not null)
            Assert.Equal(title, json.GetProperty("title").GetString());
    }
}

/// <summary>HMA's curation API: banks, content, signals, types; roles and problems.</summary>
public sealed class CurationTests : LiveServerTest
{
    [Fact]
    public async Task Creating_a_bank_answers_201_with_HMAs_shape_and_validates_the_name()
    {
        string key = await KeyAsync(ApiKeyRole.Curator);
        var created = await SendAsync(HttpMethod.Post, "/c/banks", key, """{"name": "MY_TEST_BANK_01"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var bank = await JsonAsync(created);
        Assert.Equal("MY_TEST_BANK_01", bank.GetProperty("name").GetString());
        Assert.Equal(1.0, bank.GetProperty("matching_enabled_ratio").GetDouble());

        var half = await JsonAsync(await SendAsync(HttpMethod.Post, "/c/banks", key, """{"name": "HALF", "enabled_ratio": 0.5}"""));
        Assert.Equal(0.5, half.GetProperty("matching_enabled_ratio").GetDouble());
        var off = await JsonAsync(await SendAsync(HttpMethod.Post, "/c/banks", key, """{"name": "OFF", "enabled": false}"""));
        Assert.Equal(0.0, off.GetProperty("matching_enabled_ratio").GetDouble());

        foreach (string bad in new[] { "01_TEST_BANK", "my_test_bank" })
            await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/banks", key, $$"""{"name": "{{bad}}"}"""), HttpStatusCode.BadRequest, "Bank names must be UPPER_WITH_UNDERSCORE");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/banks", key, """{"name": "MY_TEST_BANK_01"}"""), HttpStatusCode.Forbidden, "Bank already exists");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/banks", key, """{"name": """), HttpStatusCode.BadRequest, "invalid JSON");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/banks", key, "[1]"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/banks", key, "{}"), HttpStatusCode.BadRequest, "name is required");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/banks", key, """{"name": "X", "enabled_ratio": 2}"""), HttpStatusCode.BadRequest);

        var list = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/banks", key));
        Assert.Equal(["HALF", "MY_TEST_BANK_01", "OFF", "SAMPLES"], list.EnumerateArray().Select(b => b.GetProperty("name").GetString()!).ToArray());
    }

    [Fact]
    public async Task A_bank_is_read_updated_and_deleted_by_name()
    {
        string key = await KeyAsync(ApiKeyRole.Curator);
        var bank = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/bank/SAMPLES", key));
        Assert.Equal("SAMPLES", bank.GetProperty("name").GetString());
        Assert.Equal(1.0, bank.GetProperty("matching_enabled_ratio").GetDouble());
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/c/bank/NOPE", key), HttpStatusCode.NotFound, "bank 'NOPE' not found");

        var disabled = await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, """{"enabled": false}""");
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal(0.0, (await JsonAsync(disabled)).GetProperty("matching_enabled_ratio").GetDouble());
        Assert.False((await Store.GetBankAsync("SAMPLES"))!.Enabled);
        var half = await JsonAsync(await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, """{"enabled_ratio": 0.5}"""));
        Assert.Equal(0.5, half.GetProperty("matching_enabled_ratio").GetDouble());
        var on = await JsonAsync(await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, """{"enabled": true, "name": "SAMPLES"}"""));
        Assert.Equal(1.0, on.GetProperty("matching_enabled_ratio").GetDouble());

        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/bank/NOPE", key, """{"enabled": true}"""), HttpStatusCode.NotFound, "Bank not found");
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, """{"name": "1_invalid_name"}"""), HttpStatusCode.BadRequest, "Bank names must be UPPER_WITH_UNDERSCORE");
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, """{"name": "RENAMED"}"""), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, """{"enabled": "yes"}"""), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/bank/SAMPLES", key, "not json"), HttpStatusCode.BadRequest, "invalid JSON");

        for (int i = 0; i < 2; i++)
        {
            var deleted = await SendAsync(HttpMethod.Delete, "/c/bank/SAMPLES", key);
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.Equal("Done", (await JsonAsync(deleted)).GetProperty("message").GetString());
        }
        Assert.Null(await Store.GetBankAsync("SAMPLES"));
        Assert.Null(await Store.GetContentAsync(BridgeId));
    }

    [Fact]
    public async Task Signals_are_added_as_new_content_then_read_disabled_and_removed()
    {
        string key = await KeyAsync(ApiKeyRole.Curator);
        var added = await SendAsync(HttpMethod.Post, "/c/bank/SAMPLES/signal", key, $$"""{"pdq": "{{new string('A', 64)}}"}""");
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var body = await JsonAsync(added);
        long id = body.GetProperty("id").GetInt64();
        Assert.Equal(new string('a', 64), body.GetProperty("signals").GetProperty("pdq").GetString());
        Assert.Equal("SAMPLES", (await Store.GetContentAsync(id))!.BankName);

        var content = await JsonAsync(await SendAsync(HttpMethod.Get, $"/c/bank/SAMPLES/content/{id}", key));
        Assert.Equal(id, content.GetProperty("id").GetInt64());
        Assert.Equal(1, content.GetProperty("disable_until_ts").GetInt64());
        Assert.Equal("SAMPLES", content.GetProperty("bank").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, content.GetProperty("original_media_uri").ValueKind);
        Assert.False(content.TryGetProperty("signals", out _));
        var withSignals = await JsonAsync(await SendAsync(HttpMethod.Get, $"/c/bank/SAMPLES/content/{id}?include_signals=true", key));
        Assert.Equal(new string('a', 64), withSignals.GetProperty("signals").GetProperty("pdq").GetString());

        long until = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds();
        var updated = await SendAsync(HttpMethod.Put, $"/c/bank/SAMPLES/content/{id}", key, $$"""{"disable_until_ts": {{until}}}""");
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(until, (await JsonAsync(updated)).GetProperty("disable_until_ts").GetInt64());
        Assert.True((await Store.GetContentAsync(id))!.IsDisabledAt(DateTimeOffset.UtcNow));
        var forever = await JsonAsync(await SendAsync(HttpMethod.Put, $"/c/bank/SAMPLES/content/{id}", key, """{"disable_until_ts": "0"}"""));
        Assert.Equal(0, forever.GetProperty("disable_until_ts").GetInt64());
        var enabled = await JsonAsync(await SendAsync(HttpMethod.Put, $"/c/bank/SAMPLES/content/{id}", key, """{"disable_until_ts": 1}"""));
        Assert.Equal(1, enabled.GetProperty("disable_until_ts").GetInt64());
        Assert.Null((await Store.GetContentAsync(id))!.DisabledUntil);

        await AssertProblemAsync(await SendAsync(HttpMethod.Put, $"/c/bank/SAMPLES/content/{id}", key, """{"disable_until_ts": 9999999999}"""), HttpStatusCode.BadRequest, "disable_until_ts must be less than 5 years in the future");
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, $"/c/bank/SAMPLES/content/{id}", key, """{"disable_until_ts": -5}"""), HttpStatusCode.BadRequest, "disable_until_ts must be a non-negative integer");
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, $"/c/bank/SAMPLES/content/{id}", key, """{"disable_until_ts": "soon"}"""), HttpStatusCode.BadRequest, "Invalid int: 'soon'");

        var deleted = await SendAsync(HttpMethod.Delete, $"/c/bank/SAMPLES/content/{id}", key);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(1, (await JsonAsync(deleted)).GetProperty("deleted").GetInt32());
        Assert.Equal(0, (await JsonAsync(await SendAsync(HttpMethod.Delete, $"/c/bank/SAMPLES/content/{id}", key))).GetProperty("deleted").GetInt32());
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/c/bank/SAMPLES/content/{id}", key), HttpStatusCode.NotFound, $"content '{id}' not found");
    }

    [Fact]
    public async Task Content_requests_for_unknown_banks_content_or_bad_signals_are_4xx_problems()
    {
        string key = await KeyAsync(ApiKeyRole.Curator);
        await Store.CreateBankAsync(new NewBank("OTHER"));
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/c/bank/TEST_BANK_GET/content/{BridgeId}", key), HttpStatusCode.NotFound, "bank 'TEST_BANK_GET' not found");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/c/bank/SAMPLES/content/999999", key), HttpStatusCode.NotFound, "content '999999' not found");
        // Content is reached only through its own bank.
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/c/bank/OTHER/content/{BridgeId}", key), HttpStatusCode.NotFound);
        Assert.Equal(0, (await JsonAsync(await SendAsync(HttpMethod.Delete, $"/c/bank/OTHER/content/{BridgeId}", key))).GetProperty("deleted").GetInt32());
        Assert.NotNull(await Store.GetContentAsync(BridgeId));
        await AssertProblemAsync(await SendAsync(HttpMethod.Delete, $"/c/bank/NOPE/content/{BridgeId}", key), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, $"/c/bank/NOPE/content/{BridgeId}", key, """{"disable_until_ts": 1}"""), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/c/bank/SAMPLES/content/abc", key)).StatusCode);
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/c/bank/SAMPLES/content/{BridgeId}?signal_type=pdqq", key), HttpStatusCode.BadRequest, "No such signal type 'pdqq'");

        string path = "/c/bank/SAMPLES/signal";
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/bank/NOPE/signal", key, $$"""{"pdq": "{{BridgePdq}}"}"""), HttpStatusCode.NotFound, "bank 'NOPE' not found");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, path, key, "{}"), HttpStatusCode.BadRequest, "No signals given");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, path, key, """{"pdqq": "00"}"""), HttpStatusCode.BadRequest, "No such signal type pdqq");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, path, key, """{"pdq": "zz"}"""), HttpStatusCode.BadRequest, "Invalid pdq signal");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, path, key, """{"pdq": 12}"""), HttpStatusCode.BadRequest, "Invalid pdq signal");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, path, key, "{\"pdq\": "), HttpStatusCode.BadRequest, "invalid JSON");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, path, key), HttpStatusCode.BadRequest, "invalid JSON");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, path, key, $$"""{"pdq": "{{BridgePdq}}"}"""), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Types_are_listed_in_HMAs_shape()
    {
        string key = await KeyAsync(ApiKeyRole.Curator);
        var contentTypes = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/content_type", key));
        var photo = Assert.Single(contentTypes.EnumerateArray());
        Assert.Equal("photo", photo.GetProperty("name").GetString());
        Assert.True(photo.GetProperty("enabled").GetBoolean());
        var signalTypes = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/signal_type", key));
        Assert.Contains(signalTypes.EnumerateArray(), t => t.GetProperty("name").GetString() == "pdq" && t.GetProperty("enabled_ratio").GetDouble() == 1.0);
    }

    [Fact]
    public async Task Changes_need_a_curator_or_admin_key()
    {
        string matcher = await KeyAsync(ApiKeyRole.Matcher);
        string reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        string admin = await KeyAsync(ApiKeyRole.Admin);
        var changes = new (HttpMethod Method, string Path, string? Json)[]
        {
            (HttpMethod.Post, "/c/banks", """{"name": "NEW_BANK"}"""),
            (HttpMethod.Put, "/c/bank/SAMPLES", """{"enabled": false}"""),
            (HttpMethod.Delete, "/c/bank/SAMPLES", null),
            (HttpMethod.Post, "/c/bank/SAMPLES/signal", $$"""{"pdq": "{{new string('1', 64)}}"}"""),
            (HttpMethod.Put, $"/c/bank/SAMPLES/content/{BridgeId}", """{"disable_until_ts": 1}"""),
            (HttpMethod.Delete, $"/c/bank/SAMPLES/content/{BridgeId}", null),
        };
        foreach (var (method, path, json) in changes)
        {
            await AssertProblemAsync(await SendAsync(method, path, null, json), HttpStatusCode.Unauthorized);
            await AssertProblemAsync(await SendAsync(method, path, matcher, json), HttpStatusCode.Forbidden);
        }
        foreach (string path in new[] { "/c/bank/SAMPLES", $"/c/bank/SAMPLES/content/{BridgeId}", "/c/content_type" })
        {
            await AssertProblemAsync(await SendAsync(HttpMethod.Get, path, null), HttpStatusCode.Unauthorized);
            await AssertProblemAsync(await SendAsync(HttpMethod.Get, path, reviewer), HttpStatusCode.Forbidden);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, path, matcher)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/c/banks", admin, """{"name": "NEW_BANK"}""")).StatusCode);
    }
}
