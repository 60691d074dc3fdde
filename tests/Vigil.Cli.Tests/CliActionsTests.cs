using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary>
/// <c>--actions</c> on the commands that open and decide cases outside the server: the same rules as <c>vigil serve</c>'s,
/// signed webhooks sent before the command ends, and what could not be sent left in the outbox for the server.
/// </summary>
public sealed class CliActionsTests
{
    /// <summary>The webhook secret the rules and the receiver share.</summary>
    internal const string Secret = "synthetic-webhook-secret-for-cli-actions";

    private static string RulesFile(TestDb db, Uri receiver) => RulesFile(db.Dir, receiver);

    /// <summary>Rules in <paramref name="directory"/>: every match and every decision to the receiver.</summary>
    internal static string RulesFile(string directory, Uri receiver)
    {
        File.WriteAllText(Path.Combine(directory, "hook.secret"), Secret + "\n");
        string path = Path.Combine(directory, "rules.json");
        File.WriteAllText(path, """
            {"rules": [
              {"name": "matches", "when": "match", "then": {"webhook": {"url": "BASEhooks/matches", "secret_file": "hook.secret"}}},
              {"name": "decisions", "when": "decision", "then": {"webhook": {"url": "BASEhooks/decisions", "secret_file": "hook.secret"}}},
              {"name": "filed", "when": "report_filed", "then": {"webhook": {"url": "BASEhooks/filed", "secret_file": "hook.secret"}}}
            ]}
            """.Replace("BASE", receiver.ToString(), StringComparison.Ordinal));
        return path;
    }

    private static string ScanFolder(TestDb db)
    {
        db.Ok("bank", "create", "KNOWN");
        db.Ok("bank", "add", "KNOWN", CliSamples.Known("bridge.jpg"));
        db.CopyFile(CliSamples.Upload("bridge-brighter.jpg"), "scan/bridge-brighter.jpg");
        db.CopyFile(CliSamples.Upload("scene-q0122.jpg"), "scan/scene-q0122.jpg");
        return Path.Combine(db.Dir, "scan");
    }

    [Fact]
    public async Task Scan_and_decide_send_signed_webhooks_for_the_case_they_open_and_decide()
    {
        using var db = new TestDb();
        await using var receiver = await WebhookReceiver.StartAsync(Secret, up: true);
        string rules = RulesFile(db, receiver.Address);
        string dir = ScanFolder(db);
        string[] acting = ["--actions", rules, "--allow-webhook-url", receiver.Address + "hooks/"];

        var scan = db.Ok(["scan", "--open-cases", dir, .. acting]);
        Assert.Contains("open-cases: 1 item(s) in case(s) 1;", scan.Output);
        Assert.Contains("actions: 1 of 1 webhook(s) delivered", scan.Output);
        using (var match = JsonDocument.Parse(Assert.Single(receiver.Bodies)))
        {
            var body = match.RootElement;
            Assert.Equal(("matches", "match", "scan", 1L, 1L), (body.GetProperty("rule").GetString(), body.GetProperty("trigger").GetString(),
                body.GetProperty("source").GetString(), body.GetProperty("case_id").GetInt64(), body.GetProperty("item_id").GetInt64()));
            Assert.Equal("KNOWN", body.GetProperty("matches")[0].GetProperty("bank").GetString());
        }

        var decided = db.Ok(["review", "decide", "1", "--item", "1", "--verdict", "confirmed", "--classification", "A1", .. acting]);
        Assert.Contains("case 1 item 1: confirmed A1", decided.OutputLines[0]);
        Assert.Contains("actions: 1 of 1 webhook(s) delivered", decided.Output);
        // --format json keeps standard output one JSON document; the line goes to standard error.
        var report = db.Ok(["review", "decide", "1", "--verdict", "report", "--format", "json", .. acting]);
        Assert.Equal("done", JsonDocument.Parse(report.Output).RootElement.GetProperty("outcome").GetString());
        Assert.Contains("actions: 1 of 1 webhook(s) delivered", report.Error);
        var decisions = receiver.Bodies.Skip(1).Select(b => JsonDocument.Parse(b).RootElement).ToList();
        Assert.Equal([("decisions", "confirmed", "A1"), ("decisions", "report", null)],
            decisions.Select(d => (d.GetProperty("rule").GetString(), d.GetProperty("verdict").GetString(),
                d.TryGetProperty("classification", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null)));
        Assert.Equal(0, receiver.BadSignatures);
        Assert.DoesNotContain(Secret, scan.Output + scan.Error + decided.Output + report.Error);
        // Without --actions (and no $VIGIL_ACTIONS) nothing is sent and nothing is said.
        var quiet = db.Ok("scan", "--open-cases", dir);
        Assert.DoesNotContain("actions:", quiet.Output);
        Assert.Equal(3, receiver.Accepted);
    }

    [Fact]
    public async Task A_platform_that_is_down_leaves_the_delivery_pending_in_the_outbox_and_the_scan_still_succeeds()
    {
        using var db = new TestDb();
        await using var receiver = await WebhookReceiver.StartAsync(Secret, up: false);
        string dir = ScanFolder(db);
        var scan = db.Ok("scan", "--open-cases", dir, "--actions", RulesFile(db, receiver.Address), "--allow-webhook-url", receiver.Address + "hooks/");
        Assert.Contains("actions: 0 of 1 webhook(s) delivered; 1 waiting in the outbox for 'vigil serve --actions' (or the next run) to send again; last error: HTTP 503", scan.Output);
        // Tried (a second try only if the machine stalled past the backoff's one-second minimum), then left pending.
        Assert.InRange(receiver.Requests, 1, 2);
        var pending = JsonDocument.Parse(db.Ok("actions", "deliveries", "--status", "pending", "--format", "json").Output).RootElement;
        var delivery = Assert.Single(pending.EnumerateArray());
        Assert.Equal(("matches", receiver.Requests, 503), (delivery.GetProperty("rule").GetString(), delivery.GetProperty("attempts").GetInt32(),
            delivery.GetProperty("last_status").GetInt32()));
    }

    [Fact]
    public async Task Report_send_tells_the_platform_the_report_was_filed_by_the_config_files_actions_section()
    {
        await using var f = await ReportCommandTests.Filing.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(Secret, up: true);
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(f.Config))!.AsObject();
        config["actions"] = new System.Text.Json.Nodes.JsonObject
        {
            ["rules"] = RulesFile(f.Db, receiver.Address),
            ["allow_webhook_url"] = new System.Text.Json.Nodes.JsonArray(receiver.Address + "hooks/"),
        };
        string withActions = f.Db.WriteFile("vigil-actions.json", config.ToJsonString());
        var sent = f.ReportOk("send", "1", "--config", withActions);
        Assert.Contains("case 1 reported: NCMEC report 1000001 finished with 1 file(s)", sent.Output);
        Assert.Contains("actions: 1 of 1 webhook(s) delivered", sent.Output);
        using var body = JsonDocument.Parse(Assert.Single(receiver.Bodies));
        Assert.Equal(("filed", "report_filed", 1L, "1000001"), (body.RootElement.GetProperty("rule").GetString(), body.RootElement.GetProperty("trigger").GetString(),
            body.RootElement.GetProperty("case_id").GetInt64(), body.RootElement.GetProperty("report_id").GetString()));
    }

    [Fact]
    public async Task Bad_action_options_are_refused_before_anything_changes()
    {
        using var db = new TestDb();
        await using var receiver = await WebhookReceiver.StartAsync(Secret, up: true);
        string rules = RulesFile(db, receiver.Address);
        string dir = ScanFolder(db);

        var outside = db.Run("scan", "--open-cases", dir, "--actions", rules, "--allow-webhook-url", "http://127.0.0.1:1/elsewhere/");
        Assert.Equal(1, outside.ExitCode);
        Assert.Contains($"error: actions file {rules}: rule 'matches': then.webhook: url {receiver.Address}hooks/matches is refused by the webhook allow-list", outside.Error);
        var noPrefix = db.Run("scan", "--open-cases", dir, "--actions", rules);
        Assert.Contains("no webhook URL is allowed", noPrefix.Error);
        var missing = db.Run("scan", "--open-cases", dir, "--actions", db.Dir + "/no-such-rules.json", "--allow-webhook-url", receiver.Address + "hooks/");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no-such-rules.json", missing.Error);
        // Nothing was opened by the refused runs.
        Assert.Equal(0, JsonDocument.Parse(db.Ok("review", "list", "--format", "json").Output).RootElement.GetArrayLength());

        var withoutCases = db.Run("scan", dir, "--actions", rules, "--allow-webhook-url", receiver.Address + "hooks/");
        Assert.Equal(1, withoutCases.ExitCode);
        Assert.Contains("--actions and --allow-webhook-url are about the cases --open-cases opens: give --open-cases too", withoutCases.Error);
        var prefixAlone = db.Run("scan", "--open-cases", dir, "--allow-webhook-url", receiver.Address + "hooks/");
        Assert.Contains("--allow-webhook-url is about the webhooks of --actions FILE: give --actions too", prefixAlone.Error);
        var empty = db.Run("scan", "--open-cases", dir, "--actions", "");
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("actions file: the path is empty", empty.Error);
        var queueOnly = db.Run("report", "send", "1", "--queue-only", "--actions", rules);
        Assert.Contains("with --queue-only 'vigil serve' files it", queueOnly.Error);
        Assert.Equal(0, receiver.Requests);
    }
}
