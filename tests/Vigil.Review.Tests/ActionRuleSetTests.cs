using System.Text;
using Vigil.Media;
using Vigil.Review.Actions;
using Vigil.Testing;

namespace Vigil.Review.Tests;

public sealed class ActionRuleSetTests : IDisposable
{
    private const string Secret = "synthetic-secret-for-tests-only-0001";
    private static readonly UrlPrefixAllowList Allowed = UrlPrefixAllowList.Parse(["https://hooks.example.org/vigil/"], "webhook URL allow-list");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string? Env(string name) => name == "HOOK_SECRET" ? Secret : null;

    private ActionRuleSet Parse(string json, UrlPrefixAllowList? allowList = null) =>
        ActionRuleSet.Parse(Encoding.UTF8.GetBytes(json), _dir.Path, allowList ?? Allowed, Env, "actions file rules.json");

    private string Error(string json, UrlPrefixAllowList? allowList = null) =>
        Assert.Throws<ActionRulesException>(() => Parse(json, allowList)).Message;

    private static string Rule(string body) => $$"""{"rules": [{{body}}]}""";

    private const string Hook = """ "then": {"webhook": {"url": "https://hooks.example.org/vigil/in", "secret_env": "HOOK_SECRET"}} """;

    [Fact]
    public void A_full_file_loads_each_rule_under_its_trigger_with_its_conditions()
    {
        File.WriteAllText(_dir.File("hook.secret"), Secret + "\n");
        File.WriteAllText(_dir.File("rules.json"), """
            {
              "rules": [
                {
                  "name": "matches-to-trust-team",
                  "when": "match",
                  "if": {"must_have_labels": ["exchange-x"], "must_not_have_labels": ["test"], "classification": ["A1", "a2"], "source": ["lookup", "api"]},
                  "then": {"webhook": {"url": "https://hooks.example.org/vigil/matches", "secret_file": "hook.secret"}}
                },
                {
                  "name": "confirmed",
                  "when": "decision",
                  "verdict": "confirmed",
                  "then": {"webhook": {"url": "https://hooks.example.org/vigil/decisions", "secret_env": "HOOK_SECRET"}}
                },
                {"name": "filed", "when": "report_filed", "then": {"webhook": {"url": "https://hooks.example.org/vigil/reports", "secret_env": "HOOK_SECRET"}}},
                {"name": "report-alert", "when": "report_failed", "then": {"webhook": {"url": "https://hooks.example.org/vigil/alerts", "secret_env": "HOOK_SECRET"}}}
              ]
            }
            """);
        var rules = ActionRuleSet.Load(_dir.File("rules.json"), Allowed, Env);
        Assert.Equal(["matches-to-trust-team", "confirmed", "filed", "report-alert"], rules.Rules.Select(r => r.Name));
        Assert.Equal("report-alert", Assert.Single(rules.For(ActionTrigger.ReportFailed).ToArray()).Name);
        Assert.Equal("filed", Assert.Single(rules.For(ActionTrigger.ReportFiled).ToArray()).Name);
        var match = Assert.Single(rules.For(ActionTrigger.Match).ToArray());
        Assert.Equal(["exchange-x"], match.MustHaveLabels);
        Assert.Equal(["test"], match.MustNotHaveLabels);
        Assert.Equal(["A1", "a2"], match.Classifications);
        Assert.Equal(["lookup", "api"], match.Sources);
        Assert.Equal($"file {_dir.File("hook.secret")}", match.Webhook.SecretSource);
        Assert.Equal("confirmed", Assert.Single(rules.For(ActionTrigger.Decision).ToArray()).Verdict);
        Assert.Equal("filed", rules.Find("filed")!.Name);
        Assert.Null(rules.Find("nope"));
        // Neither the rule nor its target ever shows the secret.
        Assert.DoesNotContain(Secret, match.ToString() + match.Webhook);
        Assert.Equal("$HOOK_SECRET", rules.Find("confirmed")!.Webhook.SecretSource);
    }

    [Theory]
    [InlineData("""{"rules": [{"name": "a", "when": "match", "iff": {}}]}""", "unknown field 'rules[0].iff' (known: name, when, verdict, if, then)")]
    [InlineData("""{"rule": []}""", "unknown field 'rule' (known: rules)")]
    [InlineData("""{"rules": [{"name": "a", "when": "match", "if": {"labels": ["x"]}}]}""", "unknown field 'rules[0].if.labels' (known: must_have_labels, must_not_have_labels, classification, source)")]
    [InlineData("""{"rules": [{"name": "a", "when": "match", "then": {"webhook": {"url": "https://hooks.example.org/vigil/", "secret": "inline"}}}]}""", "a secret is never written in the rules file")]
    [InlineData("""{"rules": [{"name": "a", "when": "match", "then": {"email": {}}}]}""", "unknown field 'rules[0].then.email' (known: webhook)")]
    [InlineData("""{"rules": [{"name": 5}]}""", "rules[0].name has a value of the wrong type")]
    [InlineData("""{"rules": [""", "not valid JSON")]
    [InlineData("""[]""", "actions file rules.json: ")]
    [InlineData("""{}""", "the file must hold a JSON object with a list of rules")]
    public void Malformed_files_are_refused_naming_the_field(string json, string expected)
    {
        string message = Error(json);
        Assert.StartsWith("actions file rules.json: ", message);
        Assert.Contains(expected, message);
    }

    [Theory]
    [InlineData(""" "when": "match", """ + Hook, "rules[0]: name is required")]
    [InlineData(""" "name": "has space", "when": "match", """ + Hook, "name may have only")]
    [InlineData(""" "name": "a", """ + Hook, "rule 'a': when is required")]
    [InlineData(""" "name": "a", "when": "decided", """ + Hook, "when must be match, decision, report_filed or report_failed, not 'decided'")]
    [InlineData(""" "name": "a", "when": "match", "verdict": "confirmed", """ + Hook, "verdict is for 'when: decision' rules only")]
    [InlineData(""" "name": "a", "when": "decision", "verdict": "maybe", """ + Hook, "verdict must be one of")]
    [InlineData(""" "name": "a", "when": "match", "if": {"classification": ["C9"]}, """ + Hook, "if.classification: 'C9' is not one of A1, A2, B1, B2")]
    [InlineData(""" "name": "a", "when": "match", "if": {"source": ["email"]}, """ + Hook, "if.source: 'email' is not one of")]
    [InlineData(""" "name": "a", "when": "match", "if": {"source": []}, """ + Hook, "if.source is empty")]
    [InlineData(""" "name": "a", "when": "match", "if": {"must_have_labels": ["x"], "must_not_have_labels": ["X"]}, """ + Hook, "label 'x' is both required and excluded")]
    [InlineData(""" "name": "a", "when": "match" """, "then.webhook is required")]
    [InlineData(""" "name": "a", "when": "match", "then": {"webhook": {"secret_env": "HOOK_SECRET"}} """, "then.webhook: url is required")]
    [InlineData(""" "name": "a", "when": "match", "then": {"webhook": {"url": "https://hooks.example.org/vigil/"}} """, "give secret_file")]
    [InlineData(""" "name": "a", "when": "match", "then": {"webhook": {"url": "https://hooks.example.org/vigil/", "secret_env": "HOOK_SECRET", "secret_file": "x"}} """, "not both")]
    [InlineData(""" "name": "a", "when": "match", "then": {"webhook": {"url": "https://hooks.example.org/vigil/", "secret_env": "UNSET_VAR"}} """, "the environment variable UNSET_VAR is not set")]
    [InlineData(""" "name": "a", "when": "match", "then": {"webhook": {"url": "https://hooks.example.org/vigil/", "secret_env": "s3cr3t value!"}} """, "must name an environment variable")]
    [InlineData(""" "name": "a", "when": "match", "then": {"webhook": {"url": "https://hooks.example.org/vigil/", "secret_file": "missing.secret"}} """, "secret_file")]
    public void Rules_that_cannot_work_are_refused_with_a_clear_error(string rule, string expected)
    {
        Assert.Contains(expected, Error(Rule("{" + rule + "}")));
    }

    [Fact]
    public void A_rule_can_be_about_conversation_and_classifier_items_and_applies_to_their_decisions_only()
    {
        var rules = Parse(Rule(""" {"name": "scored", "when": "decision", "if": {"source": ["conversation", "Classifier"]}, """ + Hook + "}"));
        var rule = Assert.Single(rules.For(ActionTrigger.Decision).ToArray());
        Assert.Equal(["conversation", "Classifier"], rule.Sources);
        ActionEvent Decided(string source) => new() { Trigger = ActionTrigger.Decision, OccurredAt = DateTimeOffset.UnixEpoch, Source = source, Verdict = "confirmed" };
        Assert.True(rule.Applies(Decided("conversation")));
        Assert.True(rule.Applies(Decided("classifier")));
        Assert.False(rule.Applies(Decided("api")));
        Assert.False(rule.Applies(Decided("scan")));
    }

    [Fact]
    public void Two_rules_of_one_name_and_a_short_secret_are_refused()
    {
        string one = """{"name": "a", "when": "match", """ + Hook + "}";
        Assert.Contains("rule 'a': another rule has the same name", Error($$"""{"rules": [{{one}}, {{one}}]}"""));
        File.WriteAllText(_dir.File("short.secret"), "tooshort");
        Assert.Contains("is 8 bytes; use at least 16",
            Error(Rule("""{"name": "a", "when": "match", "then": {"webhook": {"url": "https://hooks.example.org/vigil/", "secret_file": "short.secret"}}}""")));
    }

    [Theory]
    [InlineData("https://hooks.example.org/elsewhere", "is refused by the webhook allow-list")]
    [InlineData("https://evil.example.net/vigil/", "is refused by the webhook allow-list")]
    [InlineData("http://hooks.example.org/vigil/x", "is refused by the webhook allow-list")]
    [InlineData("https://user:pw@hooks.example.org/vigil/x", "user name or password")]
    [InlineData("file:///etc/passwd", "only absolute http and https")]
    [InlineData("/relative", "only absolute http and https")]
    [InlineData("not a url", "not an absolute URL")]
    public void A_target_outside_the_allow_list_is_refused_at_load(string url, string expected)
    {
        string message = Error(Rule("""{"name": "a", "when": "match", "then": {"webhook": {"url": "URL", "secret_env": "HOOK_SECRET"}}}""".Replace("URL", url)));
        Assert.Contains("rule 'a': then.webhook: url", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Without_an_allow_list_every_webhook_is_refused_and_the_error_says_how_to_allow_one()
    {
        string message = Error(Rule("""{"name": "a", "when": "match", """ + Hook + "}"), UrlPrefixAllowList.Parse([]));
        Assert.Contains("no webhook URL is allowed", message);
        Assert.Contains("--allow-webhook-url", message);
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_an_error_naming_it()
    {
        string path = _dir.File("nope.json");
        Assert.StartsWith($"actions file {path}: ", Assert.Throws<ActionRulesException>(() => ActionRuleSet.Load(path, Allowed, Env)).Message);
    }
}

/// <summary>The webhook body of the reporting events: <c>report_filed</c> says until when to preserve, <c>report_failed</c> what went wrong.</summary>
public class ReportEventBodyTests
{
    [Fact]
    public void Report_events_carry_preserve_until_and_the_error_and_nothing_empty()
    {
        var at = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var filed = new ActionEvent { Trigger = ActionTrigger.ReportFiled, OccurredAt = at, Source = "api", CaseId = 4, ReportId = "1000001", PreserveUntil = at.AddDays(365) };
        string body = System.Text.Json.JsonSerializer.Serialize(ActionWebhookBody.From(filed, "filed", "e1"), ActionWebhookJsonContext.Default.ActionWebhookBody);
        Assert.Contains("\"trigger\":\"report_filed\"", body);
        Assert.Contains("\"preserve_until\":\"2027-12-07T10:00:00+00:00\"", body);
        Assert.DoesNotContain("\"error\"", body);

        var failed = filed with { Trigger = ActionTrigger.ReportFailed, PreserveUntil = null, Error = "NCMEC refused submit (4100: bad)" };
        body = System.Text.Json.JsonSerializer.Serialize(ActionWebhookBody.From(failed, "alert", "e2"), ActionWebhookJsonContext.Default.ActionWebhookBody);
        Assert.Contains("\"trigger\":\"report_failed\"", body);
        Assert.Contains("\"error\":\"NCMEC refused submit (4100: bad)\"", body);
        Assert.DoesNotContain("preserve_until", body);
    }
}
