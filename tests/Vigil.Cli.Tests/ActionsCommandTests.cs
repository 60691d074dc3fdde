using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Vigil.Cli.Benchmarks;
using Vigil.Hashing.Signals;
using Vigil.Review.Actions;
using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil serve --actions</c>, <c>vigil actions deliveries|retry</c>, and a real server killed with deliveries pending.</summary>
public sealed class ActionsCommandTests
{
    private const string Pdq = "d8f8f0cee0f4a84f0e370222038f67f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private const string Secret = "synthetic-webhook-secret-for-cli-tests";

    private static string RulesFile(TempDirectory dir, string url)
    {
        File.WriteAllText(dir.File("hook.secret"), Secret + "\n");
        string path = dir.File("rules.json");
        File.WriteAllText(path, """
            {"rules": [{"name": "lookup-matches", "when": "match", "if": {"source": ["lookup"]},
                        "then": {"webhook": {"url": "URL", "secret_file": "hook.secret"}}}]}
            """.Replace("URL", url));
        return path;
    }

    [Fact]
    public void A_webhook_outside_the_allow_list_stops_serve_before_it_starts_with_the_rule_and_url_named()
    {
        using var dir = new TempDirectory();
        string rules = RulesFile(dir, "https://hooks.example.org/elsewhere");
        var result = CliRunner.Run("--db", dir.File("vigil.db"), "serve", "--urls", "http://127.0.0.1:0", "--actions", rules,
            "--allow-webhook-url", "https://hooks.example.org/vigil/");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"error: actions file {rules}: rule 'lookup-matches': then.webhook: url https://hooks.example.org/elsewhere is refused by the webhook allow-list", result.Error);

        var none = CliRunner.Run("--db", dir.File("vigil.db"), "serve", "--urls", "http://127.0.0.1:0", "--actions", rules);
        Assert.Equal(ExitCodes.Usage, none.ExitCode);
        Assert.Contains("no webhook URL is allowed", none.Error);
        var badPrefix = CliRunner.Run("--db", dir.File("vigil.db"), "serve", "--allow-webhook-url", "ftp://x.example.org/");
        Assert.NotEqual(ExitCodes.Success, badPrefix.ExitCode);
        Assert.Contains("--allow-webhook-url ftp://x.example.org/: the scheme must be http or https", badPrefix.Error);
        Assert.DoesNotContain(Secret, result.Error + none.Error + result.Output);
    }

    [Fact]
    public void The_config_file_has_an_actions_section_that_options_override_and_print_config_shows()
    {
        using var dir = new TempDirectory();
        string config = dir.File("serve.json");
        File.WriteAllText(config, """{"actions": {"rules": "from-file.json", "allow_webhook_url": ["https://a.example.org/hooks/"]}}""");
        var printed = CliRunner.Run("--db", dir.File("vigil.db"), "serve", "--config", config, "--allow-webhook-url", "https://b.example.org/in/", "--print-config");
        Assert.Equal(ExitCodes.Success, printed.ExitCode);
        using var json = JsonDocument.Parse(printed.Output);
        var actions = json.RootElement.GetProperty("actions");
        Assert.Equal("from-file.json", actions.GetProperty("rules").GetString());
        Assert.Equal(["https://b.example.org/in/"], actions.GetProperty("allow_webhook_url").EnumerateArray().Select(e => e.GetString()));

        var (environment, error) = Vigil.Cli.Serve.ServeConfigResolver.FromEnvironment(name => name switch
        {
            "VIGIL_ACTIONS" => "env-rules.json",
            "VIGIL_ALLOW_WEBHOOK_URL" => "https://c.example.org/a/, https://d.example.org/",
            _ => null,
        });
        Assert.Null(error);
        Assert.Equal("env-rules.json", environment!.Actions!.Rules);
        Assert.Equal(["https://c.example.org/a/", "https://d.example.org/"], environment.Actions.AllowWebhookUrl!);
        Assert.Contains("$VIGIL_ALLOW_WEBHOOK_URL: ftp://x/", Vigil.Cli.Serve.ServeConfigResolver.FromEnvironment(name => name == "VIGIL_ALLOW_WEBHOOK_URL" ? "ftp://x/" : null).Error);

        File.WriteAllText(config, """{"actions": {"rule": "x.json"}}""");
        var unknown = CliRunner.Run("--db", dir.File("vigil.db"), "serve", "--config", config, "--print-config");
        Assert.Equal(ExitCodes.Usage, unknown.ExitCode);
        Assert.Contains("unknown key 'actions.rule' (known in actions: rules, allow_webhook_url)", unknown.Error);
        File.WriteAllText(config, """{"actions": {"allow_webhook_url": ["nope"]}}""");
        Assert.Contains("actions.allow_webhook_url: nope", CliRunner.Run("--db", dir.File("vigil.db"), "serve", "--config", config, "--print-config").Error);
    }

    [Fact]
    public async Task Deliveries_are_listed_as_text_and_json_and_only_dead_ones_are_retried()
    {
        using var dir = new TempDirectory();
        string db = dir.File("vigil.db");
        Assert.Contains("no action deliveries", CliRunner.Run("--db", db, "actions", "deliveries").Output);
        var now = DateTimeOffset.UtcNow;
        IReadOnlyList<long> ids;
        await using (var store = await SqliteVigilStore.OpenAsync(db))
        {
            ids = await store.AddActionDeliveriesAsync(
            [
                new NewActionDelivery("lookup-matches", "https://hooks.example.org/a", "{}", now, now.AddHours(24)),
                new NewActionDelivery("lookup-matches", "https://hooks.example.org/b", "{}", now, now.AddHours(24)),
            ]);
            var claim = (await store.ClaimDueActionDeliveriesAsync(now, TimeSpan.FromMinutes(1), 1))[0];
            await store.RecordActionAttemptAsync(claim, new ActionAttempt(ActionDeliveryStatus.Dead, now, 410, "HTTP 410 Gone; given up"));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var text = CliRunner.Run("--db", db, "actions", "deliveries", "--status", "dead");
        Assert.Equal(ExitCodes.Success, text.ExitCode);
        Assert.Contains("STATUS", text.OutputLines[0]);
        var line = Assert.Single(text.OutputLines.Skip(1));
        Assert.Contains("lookup-matches", line);
        Assert.Contains("dead", line);
        Assert.Contains("HTTP 410: HTTP 410 Gone; given up", line);

        var json = CliRunner.Run("--db", db, "actions", "deliveries", "--format", "json");
        var views = JsonSerializer.Deserialize(json.Output, ActionDeliveryJsonContext.Default.ListActionDeliveryView)!;
        Assert.Equal([("dead", ids[0]), ("pending", ids[1])], views.Select(v => (v.Status, v.Id)));

        var refused = CliRunner.Run("--db", db, "actions", "retry", ids[1].ToString());
        Assert.NotEqual(ExitCodes.Success, refused.ExitCode);
        Assert.Contains($"delivery {ids[1]} is pending; only dead deliveries are retried", refused.Error);
        var retried = CliRunner.Run("--db", db, "actions", "retry", ids[0].ToString());
        Assert.Equal(ExitCodes.Success, retried.ExitCode);
        Assert.Contains("is pending again", retried.Output);
        Assert.Contains("no dead action deliveries", CliRunner.Run("--db", db, "actions", "deliveries", "--status", "dead").Output);
        await using (var store = await SqliteVigilStore.OpenAsync(db))
        {
            var entries = new List<AuditEntry>();
            await foreach (var entry in store.ReadAuditAsync())
                entries.Add(entry);
            Assert.Contains(entries, e => e.Action == "actions.retry" && e.Subject == ids[0].ToString());
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_killed_server_sends_its_pending_deliveries_after_it_is_started_again()
    {
        using var dir = new TempDirectory("vigil-kill-actions-");
        string db = dir.File("vigil.db");
        string key = ApiKeySecrets.Generate();
        await using (var store = await SqliteVigilStore.OpenAsync(db))
        {
            await store.CreateBankAsync(new NewBank("SAMPLES"));
            await store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.Pdq, Pdq)]));
            await store.CreateApiKeyAsync("matcher", ApiKeyRole.Matcher, ApiKeySecrets.Hash(key));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        string allowed = $"{receiver.Address}hooks/";
        string[] options = ["--actions", RulesFile(dir, allowed + "in"), "--allow-webhook-url", allowed];
        long deliveryId;
        await using (var server = await ServerProcess.StartAsync(db, TimeSpan.FromSeconds(60), CancellationToken.None, options))
        {
            using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using (var lookup = await http.GetAsync($"m/lookup?signal_type=pdq&signal={Pdq}&bypass_coinflip=true"))
                Assert.True(lookup.IsSuccessStatusCode, await lookup.Content.ReadAsStringAsync());
            // The receiver is down (503): wait until the first attempt is recorded, then kill the server.
            var delivery = await WaitForAsync(db, d => d.Attempts >= 1, TimeSpan.FromSeconds(30));
            Assert.Equal(ActionDeliveryStatus.Pending, delivery.Status);
            Assert.Equal(503, delivery.LastStatus);
            deliveryId = delivery.Id;
            await server.KillAsync();
        }
        int sentBeforeRestart = receiver.Requests;
        receiver.Up = true;
        await using (var server = await ServerProcess.StartAsync(db, TimeSpan.FromSeconds(60), CancellationToken.None, options))
        {
            // Its next attempt was at most 10 s after the first: the new process sends it.
            var delivered = await WaitForAsync(db, d => d.Status == ActionDeliveryStatus.Delivered, TimeSpan.FromSeconds(45));
            Assert.Equal(deliveryId, delivered.Id);
        }
        Assert.True(sentBeforeRestart >= 1);
        Assert.Equal(1, receiver.Accepted);
        Assert.Equal(0, receiver.BadSignatures);
        using var body = JsonDocument.Parse(receiver.LastBody!);
        Assert.Equal("lookup-matches", body.RootElement.GetProperty("rule").GetString());
    }

    private static async Task<ActionDelivery> WaitForAsync(string db, Func<ActionDelivery, bool> done, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using (var store = await SqliteVigilStore.OpenAsync(db))
            {
                if ((await store.ListActionDeliveriesAsync(null, 0, 10)).FirstOrDefault() is { } delivery && done(delivery))
                    return delivery;
            }
            Assert.True(clock.Elapsed < limit, $"no delivery reached the state within {limit.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }
}
