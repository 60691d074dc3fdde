using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>A real server on 127.0.0.1 over a temporary SQLite store: HMA's shapes, keys and roles, problems, following changes.</summary>
public sealed class ServerTests : LiveServerTest
{
    private Task<HttpResponseMessage> GetAsync(string path, string? key) => SendAsync(HttpMethod.Get, path, key);

    [Fact]
    public async Task Status_needs_no_key_and_answers_as_HMA_does()
    {
        var response = await GetAsync("/status", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("I-AM-ALIVE", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Status_answers_HEAD_for_load_balancers_with_no_body()
    {
        var response = await SendAsync(HttpMethod.Head, "/status", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Lookup_returns_HMAs_shape_with_the_distance_as_a_string()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        var near = PdqHash.Parse(BridgePdq);
        near = new PdqHash(near.GetLimb(0) ^ 0b111, near.GetLimb(1), near.GetLimb(2), near.GetLimb(3));
        var response = await GetAsync($"/m/lookup?signal_type=pdq&signal={near}", key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        var match = Assert.Single(body.GetProperty("SAMPLES").EnumerateArray());
        Assert.Equal(BridgeId, match.GetProperty("bank_content_id").GetInt64());
        Assert.Equal("3", match.GetProperty("distance").GetString());

        Assert.Equal("{}", await (await GetAsync($"/m/lookup?signal_type=pdq&signal={new string('0', 64)}", key)).Content.ReadAsStringAsync());
        Assert.Equal("{}", await (await GetAsync($"/m/lookup?signal_type=pdq&signal={near}&banks=OTHER", key)).Content.ReadAsStringAsync());
        Assert.Contains("SAMPLES", await (await GetAsync($"/m/lookup?signal_type=pdq&signal={near}&banks=OTHER,SAMPLES", key)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Keys_and_roles_give_401_and_403_as_problem_documents()
    {
        string path = $"/m/lookup?signal_type=pdq&signal={BridgePdq}";
        foreach (var key in new[] { null, "vgl_not-a-key" })
        {
            var response = await GetAsync(path, key);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var forbidden = await GetAsync(path, await KeyAsync(ApiKeyRole.Reviewer));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("reviewer", (await JsonAsync(forbidden)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(path, await KeyAsync(ApiKeyRole.Admin))).StatusCode);

        // A revoked key stops working once the short key cache lapses.
        string revoked = await KeyAsync(ApiKeyRole.Matcher);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(path, revoked)).StatusCode);
        var name = (await Store.FindApiKeyAsync(ApiKeySecrets.Hash(revoked)))!.Name;
        await Store.RevokeApiKeyAsync(name);
        await Task.Delay(300);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(path, revoked)).StatusCode);
    }

    [Theory]
    [InlineData("/m/lookup?signal_type=pdq&signal=zz", "invalid signal")]
    [InlineData("/m/lookup?signal_type=pdqq&signal=00", "No such SignalType 'pdqq'")]
    [InlineData("/m/lookup?signal=00", "Either url or both signal and signal_type are required")]
    public async Task Bad_input_is_a_400_problem_never_a_500(string path, string title)
    {
        var response = await GetAsync(path, await KeyAsync(ApiKeyRole.Matcher));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(title, (await JsonAsync(response)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_bank_change_made_elsewhere_is_matched_within_five_seconds()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        string fresh = new('7', 64);
        Assert.Equal("{}", await (await GetAsync($"/m/lookup?signal_type=pdq&signal={fresh}", key)).Content.ReadAsStringAsync());
        await using (var other = await SqliteVigilStore.OpenAsync(DatabasePath))
        {
            await other.CreateBankAsync(new NewBank("LATER"));
            await other.AddContentAsync("LATER", new NewContent([new Signal(SignalType.Pdq, fresh)]));
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(await (await GetAsync($"/m/lookup?signal_type=pdq&signal={fresh}", key)).Content.ReadAsStringAsync()).Contains("LATER"))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the new bank content was not matched within 5 s");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Coin_flip_respects_enabled_ratio_seed_and_bypass()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        await Store.UpdateBankAsync("SAMPLES", new BankUpdate { EnabledRatio = 0.0 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await (await GetAsync($"/m/lookup?signal_type=pdq&signal={BridgePdq}&seed=a", key)).Content.ReadAsStringAsync()) != "{}")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the ratio change was not followed");
            await Task.Delay(50);
        }
        Assert.Contains("SAMPLES", await (await GetAsync($"/m/lookup?signal_type=pdq&signal={BridgePdq}&bypass_coinflip=true", key)).Content.ReadAsStringAsync());
        Assert.Equal(LookupOptions.CoinFlip("seed-1", null), LookupOptions.CoinFlip("seed-1", null));
        Assert.NotEqual(LookupOptions.CoinFlip("seed-1", null), LookupOptions.CoinFlip("seed-2", null));
        Assert.Equal(0, LookupOptions.CoinFlip("seed-1", "true"));
    }

    [Fact]
    public async Task Curation_lists_banks_and_signal_types_in_HMAs_shape()
    {
        string key = await KeyAsync(ApiKeyRole.Curator);
        var banks = await JsonAsync(await GetAsync("/c/banks", key));
        var bank = Assert.Single(banks.EnumerateArray());
        Assert.Equal("SAMPLES", bank.GetProperty("name").GetString());
        Assert.Equal(1.0, bank.GetProperty("matching_enabled_ratio").GetDouble());
        var types = await JsonAsync(await GetAsync("/c/signal_type", key));
        Assert.Contains(types.EnumerateArray(), t => t.GetProperty("name").GetString() == "pdq");
    }

    [Fact]
    public async Task Every_authenticated_request_is_in_the_hash_chained_audit_log_with_who_what_and_outcome()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        string name = (await Store.FindApiKeyAsync(ApiKeySecrets.Hash(key)))!.Name;
        await GetAsync($"/m/lookup?signal_type=pdq&signal={BridgePdq}", key);
        await GetAsync("/m/lookup?signal_type=pdq&signal=zz", key);
        await GetAsync($"/m/lookup?signal_type=pdq&signal={BridgePdq}", null);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        List<AuditEntry> mine;
        do
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the audit entries were not written");
            await Task.Delay(50);
            var all = new List<AuditEntry>();
            await foreach (var entry in Store.ReadAuditAsync())
                all.Add(entry);
            Assert.Null(AuditChain.Verify(all));
            mine = all.Where(e => e.Actor == name).ToList();
        }
        while (mine.Count < 2);

        Assert.All(mine, e => Assert.Equal("GET /m/lookup", e.Action));
        Assert.Contains(mine, e => e.Subject.Contains(BridgePdq) && e.DetailJson!.Contains("\"status\":200") && e.DetailJson.Contains("\"banks_matched\":1"));
        Assert.Contains(mine, e => e.Subject.Contains("signal=zz") && e.DetailJson!.Contains("\"status\":400"));
    }

    [Fact]
    public async Task A_key_refused_for_its_role_is_audited_and_requests_without_a_valid_key_are_not()
    {
        string matcher = await KeyAsync(ApiKeyRole.Matcher);
        string name = (await Store.FindApiKeyAsync(ApiKeySecrets.Hash(matcher)))!.Name;
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Delete, "/c/bank/SAMPLES", matcher)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Delete, "/c/bank/SAMPLES?by=nobody", "made-up-key")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Delete, "/c/bank/SAMPLES?by=anonymous", null)).StatusCode);
        // A request after them, so that the refused ones have been written when it is.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/c/banks?marker=1", matcher)).StatusCode);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        List<AuditEntry> all;
        do
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the audit entries were not written");
            await Task.Delay(50);
            all = [];
            await foreach (var entry in Store.ReadAuditAsync())
                all.Add(entry);
        }
        while (!all.Any(e => e.Subject == "/c/banks?marker=1"));
        Assert.Null(AuditChain.Verify(all));
        var refused = Assert.Single(all, e => e.Action == "DELETE /c/bank/{bank_name}");
        Assert.Equal(name, refused.Actor);
        Assert.Contains("\"status\":403", refused.DetailJson);
        Assert.DoesNotContain(all, e => e.Subject.Contains("by=", StringComparison.Ordinal));
        Assert.NotNull(await Store.GetBankAsync("SAMPLES"));
    }

    [Fact]
    public async Task Include_metadata_adds_what_the_bank_knows_and_plain_lookups_keep_HMAs_shape()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        string other = new('a', 64);
        await Store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.Pdq, other)])
        {
            Classification = "A1", Source = "ncmec:member:42", SourceId = "e-17", Note = "from the weekly list",
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        JsonElement match;
        while (true)
        {
            var body = await JsonAsync(await GetAsync($"/m/lookup?signal_type=pdq&signal={other}&include=metadata", key));
            if (body.TryGetProperty("SAMPLES", out var list))
            {
                match = list[0];
                break;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the new content was not followed");
            await Task.Delay(50);
        }
        Assert.Equal(("A1", "ncmec:member:42", "e-17", "from the weekly list", "pdq"),
            (match.GetProperty("label").GetString(), match.GetProperty("source").GetString(), match.GetProperty("source_id").GetString(),
             match.GetProperty("note").GetString(), match.GetProperty("signal").GetString()));
        var plain = (await JsonAsync(await GetAsync($"/m/lookup?signal_type=pdq&signal={other}", key))).GetProperty("SAMPLES")[0];
        Assert.Equal(["bank_content_id", "distance"], plain.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_HMA_paths_and_needs_a_key()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/openapi/v1.json", null)).StatusCode);
        var response = await GetAsync("/openapi/v1.json", await KeyAsync(ApiKeyRole.Reviewer));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await JsonAsync(response)).GetProperty("paths");
        foreach (string path in new[] { "/status", "/m/lookup", "/c/banks", "/c/bank/{bank_name}" })
            Assert.True(paths.TryGetProperty(path, out _) || paths.EnumerateObject().Any(p => p.Name.StartsWith(path.Split('{')[0], StringComparison.Ordinal)), path);
    }

    [Fact]
    public async Task A_match_in_a_negative_bank_suppresses_the_other_matches_over_HTTP()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        string path = $"/m/lookup?signal_type=pdq&signal={BridgePdq}";
        Assert.Contains("SAMPLES", await (await GetAsync(path, key)).Content.ReadAsStringAsync());
        await Store.CreateBankAsync(new NewBank("KNOWN_FALSE_POSITIVES") { IsNegative = true });
        await Store.AddContentAsync("KNOWN_FALSE_POSITIVES", new NewContent([new Signal(SignalType.Pdq, BridgePdq)]));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await (await GetAsync(path, key)).Content.ReadAsStringAsync() != "{}")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the negative bank did not take effect within 5 s");
            await Task.Delay(50);
        }
    }
}
