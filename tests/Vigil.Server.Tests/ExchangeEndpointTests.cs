using System.Net;
using System.Text.Json;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>
/// HMA's exchange endpoints against a live server: create, list, get, update, status and delete with
/// HMA's shapes; bad bodies, duplicates and unknown names; credentials refused over HTTP; curator only.
/// The schedule is off, so no fetch changes an exchange under a test.
/// </summary>
public sealed class ExchangeEndpointTests : LiveServerTest
{
    private const string ListPrefix = "https://lists.example.test/";

    protected override ServerSettings Settings => base.Settings with { FetchExchanges = false, ExchangeUrlAllowList = [ListPrefix] };

    [Fact]
    public async Task Create_list_get_update_status_and_delete_round_trip_with_HMA_shapes()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        using (var created = await SendAsync(HttpMethod.Post, "/c/exchanges", curator,
            """{"bank": "NCMEC_FEED", "api": "ncmec", "api_json": {"environment": "test-industry"}}"""))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var json = await JsonAsync(created);
            Assert.Equal("Created successfully", json.GetProperty("message").GetString());
            Assert.True(json.GetProperty("bank_created").GetBoolean());
        }
        // As HMA: the exchange's bank is created under its name.
        using (var bank = await SendAsync(HttpMethod.Get, "/c/bank/NCMEC_FEED", curator))
            Assert.Equal(HttpStatusCode.OK, bank.StatusCode);

        using (var list = await SendAsync(HttpMethod.Get, "/c/exchanges", curator))
            Assert.Equal(new[] { "NCMEC_FEED" }, (await JsonAsync(list)).EnumerateArray().Select(e => e.GetString()!).ToArray());

        using (var got = await SendAsync(HttpMethod.Get, "/c/exchange/NCMEC_FEED", curator))
        {
            Assert.Equal(HttpStatusCode.OK, got.StatusCode);
            var json = await JsonAsync(got);
            Assert.Equal("NCMEC_FEED", json.GetProperty("name").GetString());
            Assert.Equal("ncmec", json.GetProperty("api").GetString());
            Assert.True(json.GetProperty("enabled").GetBoolean());
            Assert.Equal("test-industry", json.GetProperty("environment").GetString());
            Assert.Equal(0, json.GetProperty("only_esp_ids").GetArrayLength());
            Assert.Equal("NCMEC_FEED", json.GetProperty("bank").GetString());
            Assert.Equal(60, json.GetProperty("interval_seconds").GetInt64());
            var credentials = json.GetProperty("credential_status");
            Assert.True(credentials.GetProperty("supports_auth").GetBoolean());
        }

        using (var status = await SendAsync(HttpMethod.Get, "/c/exchange/NCMEC_FEED/status", curator))
        {
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            var json = await JsonAsync(status);
            Assert.Equal(JsonValueKind.Null, json.GetProperty("checkpoint_ts").ValueKind);
            Assert.Equal(JsonValueKind.Null, json.GetProperty("running_fetch_start_ts").ValueKind);
            Assert.Equal(JsonValueKind.Null, json.GetProperty("last_fetch_complete_ts").ValueKind);
            Assert.Equal(JsonValueKind.Null, json.GetProperty("last_fetch_succeeded").ValueKind);
            Assert.False(json.GetProperty("up_to_date").GetBoolean());
            Assert.Equal(0, json.GetProperty("fetched_items").GetInt64());
            Assert.Equal(0, json.GetProperty("last_fetch_time").GetInt64());
            Assert.Equal(0, json.GetProperty("checkpoint_time").GetInt64());
            Assert.True(json.GetProperty("success").GetBoolean());
            Assert.Equal("never", json.GetProperty("status").GetString());
        }

        using (var updated = await SendAsync(HttpMethod.Put, "/c/exchange/NCMEC_FEED", curator, """{"enabled": false, "interval_seconds": 300}"""))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            var json = await JsonAsync(updated);
            Assert.False(json.GetProperty("enabled").GetBoolean());
            Assert.Equal(300, json.GetProperty("interval_seconds").GetInt64());
        }
        var stored = await Store.Exchanges.GetExchangeAsync("NCMEC_FEED");
        Assert.False(stored!.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(5), stored.Interval);
        // An empty update changes nothing, as HMA's.
        using (var same = await SendAsync(HttpMethod.Put, "/c/exchange/NCMEC_FEED", curator, "{}"))
            Assert.False((await JsonAsync(same)).GetProperty("enabled").GetBoolean());

        using (var deleted = await SendAsync(HttpMethod.Delete, "/c/exchange/NCMEC_FEED", curator))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            var json = await JsonAsync(deleted);
            Assert.Equal("Exchange deleted", json.GetProperty("message").GetString());
            Assert.True(json.GetProperty("deleted").GetBoolean());
        }
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/c/exchange/NCMEC_FEED", curator), HttpStatusCode.NotFound, "Exchange 'NCMEC_FEED' not found");
        // As HMA, deleting again answers the same; the bank (and what the exchange added to it) stays.
        using (var again = await SendAsync(HttpMethod.Delete, "/c/exchange/NCMEC_FEED", curator))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.False((await JsonAsync(again)).GetProperty("deleted").GetBoolean());
        }
        Assert.NotNull(await Store.GetBankAsync("NCMEC_FEED"));

        // Every change was audited under its route.
        var actions = new List<string>();
        await foreach (var entry in Store.ReadAuditAsync())
            actions.Add(entry.Action);
        Assert.Contains("POST /c/exchanges", actions);
        Assert.Contains("PUT /c/exchange/{exchange_name}", actions);
        Assert.Contains("DELETE /c/exchange/{exchange_name}", actions);
    }

    [Fact]
    public async Task ThreatExchange_takes_HMA_numeric_privacy_group_into_an_existing_bank_and_stores_it_for_the_fetcher()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        using (var created = await SendAsync(HttpMethod.Post, "/c/exchanges", curator,
            """{"bank": "SAMPLES", "api": "fb_threatexchange", "api_json": {"privacy_group": 1234567890, "enabled": false}}"""))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.False((await JsonAsync(created)).GetProperty("bank_created").GetBoolean());
        }
        var stored = await Store.Exchanges.GetExchangeAsync("SAMPLES");
        Assert.Equal("threatexchange", stored!.Type);
        Assert.False(stored.Enabled);
        // The fetcher reads privacy_group as a string.
        Assert.Equal("1234567890", JsonDocument.Parse(stored.OptionsJson).RootElement.GetProperty("privacy_group").GetString());
        var json = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/exchange/SAMPLES", curator));
        Assert.Equal("fb_threatexchange", json.GetProperty("api").GetString());
        Assert.Equal(1234567890, json.GetProperty("privacy_group").GetInt64());
        Assert.False(json.GetProperty("enabled").GetBoolean());
        Assert.Equal("threatexchange", json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Vigil_type_names_and_url_lists_under_the_allow_list_are_taken()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        using (var created = await SendAsync(HttpMethod.Post, "/c/exchanges", curator,
            $$"""{"bank": "PARTNER_LIST", "api": "url", "api_json": {"url": "{{ListPrefix}}hashes.csv", "format": "csv"}, "interval_seconds": 3600}"""))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var created = await SendAsync(HttpMethod.Post, "/c/exchanges", curator, """{"bank": "STOP_FEED", "api": "stopncii"}"""))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var list = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/exchange/PARTNER_LIST", curator));
        Assert.Equal(ListPrefix + "hashes.csv", list.GetProperty("url").GetString());
        Assert.Equal("csv", list.GetProperty("format").GetString());
        Assert.Equal(3600, list.GetProperty("interval_seconds").GetInt64());
        Assert.False(list.GetProperty("credential_status").GetProperty("supports_auth").GetBoolean());
        var stop = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/exchange/STOP_FEED", curator));
        Assert.Equal("stop_ncii", stop.GetProperty("api").GetString());

        // A URL the fetcher would refuse is refused now.
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/exchanges", curator,
            """{"bank": "ELSEWHERE", "api": "url", "api_json": {"url": "https://elsewhere.example.test/list.csv"}}"""), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/exchanges", curator,
            "{\"bank\": \"BAD_FORMAT\", \"api\": \"url\", \"api_json\": {\"url\": \"" + ListPrefix + "x\", \"format\": \"xlsx\"}}"), HttpStatusCode.BadRequest);
        Assert.Null(await Store.GetBankAsync("ELSEWHERE"));
    }

    [Fact]
    public async Task Status_reports_the_last_fetch_checkpoint_counts_and_error()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        using (await SendAsync(HttpMethod.Post, "/c/exchanges", curator, """{"bank": "STOP_FEED", "api": "stop_ncii"}""")) { }
        var now = DateTimeOffset.UtcNow;
        var checkpointAt = now.AddMinutes(-10);
        var lease = await Store.Exchanges.TakeExchangeAsync("STOP_FEED", now.AddSeconds(-5), TimeSpan.FromMinutes(1));
        Assert.NotNull(lease);
        // While it runs, HMA's running_fetch_start_ts is set.
        var running = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/exchange/STOP_FEED/status", curator));
        Assert.Equal(now.AddSeconds(-5).ToUnixTimeSeconds(), running.GetProperty("running_fetch_start_ts").GetInt64());
        Assert.False(running.GetProperty("up_to_date").GetBoolean());
        Assert.True(await Store.Exchanges.SaveCheckpointAsync(lease!, "cp-1", checkpointAt, new ExchangeCounts(7, 2, 1), now, TimeSpan.FromMinutes(1)));
        await Store.Exchanges.FinishFetchAsync(lease!, ExchangeRunStatus.Ok, null, new ExchangeCounts(7, 2, 1), now);

        var json = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/exchange/STOP_FEED/status", curator));
        Assert.Equal(checkpointAt.ToUnixTimeSeconds(), json.GetProperty("checkpoint_ts").GetInt64());
        Assert.Equal(checkpointAt.ToUnixTimeSeconds(), json.GetProperty("checkpoint_time").GetInt64());
        Assert.Equal(now.ToUnixTimeSeconds(), json.GetProperty("last_fetch_complete_ts").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("running_fetch_start_ts").ValueKind);
        Assert.True(json.GetProperty("last_fetch_succeeded").GetBoolean());
        Assert.True(json.GetProperty("up_to_date").GetBoolean());
        Assert.Equal(5, json.GetProperty("fetched_items").GetInt64());
        Assert.InRange(json.GetProperty("checkpoint_age_seconds").GetInt64(), 599, 700);
        Assert.Equal(7, json.GetProperty("last").GetProperty("added").GetInt64());
        Assert.Equal(2, json.GetProperty("total").GetProperty("removed").GetInt64());
        Assert.Equal("ok", json.GetProperty("status").GetString());

        // A refused key: not successful, not up to date, and the reason shown.
        var second = await Store.Exchanges.TakeExchangeAsync("STOP_FEED", now.AddSeconds(1), TimeSpan.FromMinutes(1));
        await Store.Exchanges.FinishFetchAsync(second!, ExchangeRunStatus.AuthFailed, "StopNCII refused the subscription key (401)", ExchangeCounts.Zero, now.AddSeconds(2));
        var failed = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/exchange/STOP_FEED/status", curator));
        Assert.False(failed.GetProperty("last_fetch_succeeded").GetBoolean());
        Assert.False(failed.GetProperty("success").GetBoolean());
        Assert.False(failed.GetProperty("up_to_date").GetBoolean());
        Assert.Equal("auth_failed", failed.GetProperty("status").GetString());
        Assert.Contains("401", failed.GetProperty("last_error").GetString());
        Assert.Equal(7, failed.GetProperty("total").GetProperty("added").GetInt64());
    }

    [Theory]
    [InlineData("""{"bank": "X_FEED", "api": "nope"}""", "No such exchange type 'nope'")]
    [InlineData("""{"bank": "X_FEED"}""", "Field `api_type` is required")]
    [InlineData("""{"api": "ncmec"}""", "Field `bank` is required")]
    [InlineData("""{"bank": "lower_case", "api": "ncmec"}""", "Field `bank` must match /^[A-Z0-9_]+$/")]
    [InlineData("""{"bank": 5, "api": "ncmec"}""", "Field `bank` must match /^[A-Z0-9_]+$/")]
    [InlineData("""{"bank": "X_FEED", "api": "ncmec", "colour": "red"}""", "unknown field 'colour'")]
    [InlineData("""{"bank": "X_FEED", "api": "ncmec", "api_json": {"colour": "red"}}""", "unknown field 'api_json.colour'")]
    [InlineData("""{"bank": "X_FEED", "api": "ncmec", "api_json": []}""", "Field `api_json` must be object")]
    [InlineData("""{"bank": "X_FEED", "api": "ncmec", "api_json": {"privacy_group": 5}}""", "Failed to parse `api_json` - verify all fields are supplied.")]
    [InlineData("""{"bank": "X_FEED", "api": "ncmec", "api_json": {"environment": "moon"}}""", "Failed to parse `api_json` - verify all fields are supplied.")]
    [InlineData("""{"bank": "X_FEED", "api": "ncmec", "api_json": {"only_esp_ids": [1]}}""", "only_esp_ids is not supported")]
    [InlineData("""{"bank": "X_FEED", "api": "fb_threatexchange"}""", "Failed to parse `api_json` - verify all fields are supplied.")]
    [InlineData("""{"bank": "X_FEED", "api": "fb_threatexchange", "api_json": {"privacy_group": -3}}""", "Failed to parse `api_json` - verify all fields are supplied.")]
    [InlineData("""{"bank": "X_FEED", "api": "url"}""", "Failed to parse `api_json` - verify all fields are supplied.")]
    [InlineData("""{"bank": "X_FEED", "api": "ncmec", "api_json": {"name": "OTHER"}}""", "api_json.name disagrees with bank")]
    [InlineData("""{"bank": "X_FEED", "api": "ncmec", "interval_seconds": 0}""", "interval_seconds must be from 1 to 604800")]
    [InlineData("""{"bank": "X_FEED", "api": "ncmec", "interval_seconds": "soon"}""", "interval_seconds must be a whole number")]
    [InlineData("""{"bank": "X_FEED", "api": "stop_ncii", "credential_json": {"subscription_key": "k", "fetch_function_key": "f"}}""", "credentials are not taken over HTTP")]
    [InlineData("""{"bank": "X_FEED", "api": "ncmec", "api_json": {"base_url": "https://collector.example.test/"}}""", "base_url is not taken over HTTP")]
    [InlineData("""{"bank": "X_FEED", "api": "ncmec", "api_json": {"credentials_file": "/etc/vigil/ncmec.json"}}""", "credentials_file is not taken over HTTP")]
    [InlineData("{\"bank\": \"X_FEED" + "_LONG_NAME_LONG_NAME_LONG_NAME_LONG_NAME_LONG_NAME_LONG_NAME_LONG_NAME_LONG_NAME_LONG_NAME_LONG\", \"api\": \"ncmec\"}",
        "Field `bank` must match /^[A-Z0-9_]+$/")]
    [InlineData("[1]", "Request input was not a dict")]
    [InlineData("{", "invalid JSON")]
    public async Task Bad_create_bodies_are_400_and_create_nothing(string body, string title)
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/exchanges", curator, body), HttpStatusCode.BadRequest, title);
        Assert.Empty(await Store.Exchanges.ListExchangesAsync());
        Assert.Null(await Store.GetBankAsync("X_FEED"));
    }

    [Fact]
    public async Task A_duplicate_is_409_and_unknown_names_are_404()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        using (var created = await SendAsync(HttpMethod.Post, "/c/exchanges", curator, """{"bank": "STOP_FEED", "api": "stop_ncii"}"""))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/exchanges", curator, """{"bank": "STOP_FEED", "api": "ncmec"}"""),
            HttpStatusCode.Conflict, "Exchange already exists");
        Assert.Equal("stopncii", (await Store.Exchanges.GetExchangeAsync("STOP_FEED"))!.Type);

        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/c/exchange/NOPE", curator), HttpStatusCode.NotFound, "Exchange 'NOPE' not found");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/c/exchange/NOPE/status", curator), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/exchange/NOPE", curator, """{"enabled": true}"""), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/exchange/STOP_FEED", curator, """{"enabled": "yes"}"""),
            HttpStatusCode.BadRequest, "enabled must be true or false");
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/exchange/STOP_FEED", curator, """{"name": "RENAMED"}"""),
            HttpStatusCode.BadRequest, "unknown field 'name'");
        await AssertProblemAsync(await SendAsync(HttpMethod.Put, "/c/exchange/STOP_FEED", curator, """{"interval_seconds": 999999999}"""),
            HttpStatusCode.BadRequest, "interval_seconds must be from 1 to 604800");
    }

    [Fact]
    public async Task The_api_list_says_which_types_exist_and_credentials_are_refused_over_HTTP()
    {
        string curator = await KeyAsync(ApiKeyRole.Curator);
        var apis = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/exchanges/apis", curator));
        Assert.Equal(new[] { "fb_threatexchange", "ncmec", "stop_ncii", "url" }, apis.EnumerateArray().Select(a => a.GetString()!).ToArray());

        var stop = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/exchanges/api/stop_ncii", curator));
        Assert.True(stop.GetProperty("supports_authentification").GetBoolean());
        Assert.Contains(stop.GetProperty("has_set_authentification").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.Contains("VIGIL_STOPNCII_SUBSCRIPTION_KEY", stop.GetProperty("environment_variables").EnumerateArray().Select(v => v.GetString()));
        var url = await JsonAsync(await SendAsync(HttpMethod.Get, "/c/exchanges/api/url", curator));
        Assert.False(url.GetProperty("supports_authentification").GetBoolean());
        Assert.False(url.GetProperty("has_set_authentification").GetBoolean());
        // Vigil's own type names answer too.
        Assert.Equal("fb_threatexchange", (await JsonAsync(await SendAsync(HttpMethod.Get, "/c/exchanges/api/threatexchange", curator))).GetProperty("name").GetString());
        // As HMA: an unknown API is a 400.
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/c/exchanges/api/sample", curator), HttpStatusCode.BadRequest, "no such Exchange API 'sample'");

        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/exchanges/api/fb_threatexchange", curator, """{"credential_json": {"api_token": "123|secret"}}"""),
            HttpStatusCode.BadRequest, "credentials are not taken over HTTP");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/c/exchanges/api/fb_threatexchange", curator, "[]"),
            HttpStatusCode.BadRequest, "this endpoint expects a json object payload");
        // Clearing has nothing to clear: the answer is the API's state.
        using (var cleared = await SendAsync(HttpMethod.Post, "/c/exchanges/api/fb_threatexchange", curator, """{"credential_json": {}}"""))
            Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        // Nothing that was sent is anywhere in the database's audit detail or the exchanges.
        await foreach (var entry in Store.ReadAuditAsync())
            Assert.DoesNotContain("secret", entry.DetailJson + entry.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exchange_with_a_credentials_file_shows_the_source_but_never_the_path()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "ncmec-credentials.json");
        await File.WriteAllTextAsync(file, """{"user": "synthetic", "password": "synthetic"}""");
        await Store.CreateBankAsync(new NewBank("FILED"));
        await Store.Exchanges.AddExchangeAsync(new NewExchange("FILED", "ncmec", "FILED") { CredentialsFile = file }, DateTimeOffset.UtcNow);
        string curator = await KeyAsync(ApiKeyRole.Curator);
        using var response = await SendAsync(HttpMethod.Get, "/c/exchange/FILED", curator);
        string text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("ncmec-credentials", text);
        Assert.DoesNotContain("synthetic", text);
        var status = JsonDocument.Parse(text).RootElement.GetProperty("credential_status");
        Assert.Equal("file", status.GetProperty("source").GetString());
        Assert.True(status.GetProperty("has_credentials").GetBoolean());
    }

    [Fact]
    public async Task Matcher_and_reviewer_keys_are_refused_every_exchange_route()
    {
        await Store.Exchanges.AddExchangeAsync(new NewExchange("SAMPLES", "stopncii", "SAMPLES"), DateTimeOffset.UtcNow);
        var requests = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Get, "/c/exchanges", null),
            (HttpMethod.Post, "/c/exchanges", """{"bank": "NEW_FEED", "api": "ncmec"}"""),
            (HttpMethod.Get, "/c/exchange/SAMPLES", null),
            (HttpMethod.Put, "/c/exchange/SAMPLES", """{"enabled": false}"""),
            (HttpMethod.Get, "/c/exchange/SAMPLES/status", null),
            (HttpMethod.Get, "/c/exchanges/apis", null),
            (HttpMethod.Get, "/c/exchanges/api/ncmec", null),
            (HttpMethod.Post, "/c/exchanges/api/ncmec", "{}"),
            (HttpMethod.Delete, "/c/exchange/SAMPLES", null),
        };
        foreach (var role in new[] { ApiKeyRole.Matcher, ApiKeyRole.Reviewer })
        {
            string key = await KeyAsync(role);
            foreach (var (method, path, body) in requests)
                await AssertProblemAsync(await SendAsync(method, path, key, body), HttpStatusCode.Forbidden, "role not allowed");
        }
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/c/exchanges", null), HttpStatusCode.Unauthorized);
        Assert.True((await Store.Exchanges.GetExchangeAsync("SAMPLES"))!.Enabled);
        Assert.Null(await Store.Exchanges.GetExchangeAsync("NEW_FEED"));
        // An admin key is always accepted.
        using var admin = await SendAsync(HttpMethod.Get, "/c/exchange/SAMPLES", await KeyAsync(ApiKeyRole.Admin));
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }
}
