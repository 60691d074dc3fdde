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
        Assert.Equal(["photo", "video"], contentTypes.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.All(contentTypes.EnumerateArray(), t => Assert.True(t.GetProperty("enabled").GetBoolean()));
        var signalTypes = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/signal_type", key));
        Assert.Equal(["pdq", "md5", "sha1", "sha256", "vpdq", "video_md5"], signalTypes.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.All(signalTypes.EnumerateArray(), t => Assert.Equal(1.0, t.GetProperty("enabled_ratio").GetDouble()));
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
