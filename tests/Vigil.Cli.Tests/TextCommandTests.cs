using System.Diagnostics;
using System.Text.Json;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil text score</c> and <c>vigil bench text</c>: formats, threshold, rule files, bad lines.</summary>
public sealed class TextCommandTests : IDisposable
{
    // Synthetic: c1 an adult asking a declared 12-year-old for secrecy, whether parents are home and to meet; c2 friends planning a party.
    private const string Messages = """
        {"conversation":"c1","sender":"a","recipient":"b","time":"2026-01-03T16:00:00Z","text":"hi, nice drawing","sender_age":34,"recipient_age":12}
        {"conversation":"c2","sender":"x","recipient":"y","time":"2026-01-03T16:01:00Z","text":"party at mine saturday"}
        {"conversation":"c1","sender":"a","recipient":"b","time":"2026-01-03T16:02:00Z","text":"are your parents home?"}

        {"conversation":"c1","sender":"a","recipient":"b","time":"2026-01-03T16:03:00Z","text":"don't tell anyone we talk"}
        {"conversation":"c2","sender":"y","recipient":"x","time":"2026-01-03T16:04:00Z","text":"yes! don't tell mum, it's a surprise"}
        {"conversation":"c1","sender":"a","recipient":"b","time":"2026-01-03T16:05:00Z","text":"we should meet up"}
        """;

    private readonly TempDirectory _dir = new();
    private readonly string _messages;

    public TextCommandTests()
    {
        _messages = _dir.File("messages.jsonl");
        File.WriteAllText(_messages, Messages);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Json_gives_each_conversation_its_score_signals_and_the_messages_that_raised_it()
    {
        var result = CliRunner.Run("text", "score", _messages, "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(2, result.OutputLines.Length);
        using var c1 = JsonDocument.Parse(result.OutputLines[0]);
        var risk = c1.RootElement;
        Assert.Equal("c1", risk.GetProperty("conversation").GetString());
        Assert.True(risk.GetProperty("past_threshold").GetBoolean());
        Assert.Equal(4, risk.GetProperty("messages").GetInt32());
        Assert.Equal("default-1", risk.GetProperty("rules_version").GetString());
        // age gap + parents + secrecy + meet: 1 - 0.7 x 0.7 x 0.65 x 0.65
        Assert.Equal(1 - 0.7 * 0.7 * 0.65 * 0.65, risk.GetProperty("score").GetDouble(), 3);
        Assert.Equal(["parents-around", "secrecy", "asks-to-meet", "age-gap"],
            risk.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        var raised = risk.GetProperty("raised_by").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3], raised.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal("don't tell anyone we talk", raised[2].GetProperty("text").GetString());

        using var c2 = JsonDocument.Parse(result.OutputLines[1]);
        Assert.False(c2.RootElement.GetProperty("past_threshold").GetBoolean());
        Assert.Equal("secrecy", c2.RootElement.GetProperty("signals")[0].GetProperty("id").GetString());
    }

    [Fact]
    public void Text_shows_the_verdict_signals_and_raising_messages_as_written()
    {
        var result = CliRunner.Run("text", "score", _messages);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("c1  score 0.793  REVIEW threshold 0.70  (4 messages, rules default-1)", result.OutputLines[0]);
        Assert.Contains("signals: parents-around x1 (0.30), secrecy x1 (0.35), asks-to-meet x1 (0.35), age-gap x1 (0.30)", result.Output);
        Assert.Contains("a -> b [secrecy] -> 0.681: don't tell anyone we talk", result.Output);
        Assert.Contains(result.OutputLines, l => l.StartsWith("c2  score 0.350  below threshold 0.70", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_cases_opens_one_conversation_item_past_the_threshold_with_its_raising_messages_and_never_a_second()
    {
        using var db = new TestDb();
        var first = db.Ok("text", "score", _messages, "--open-cases");
        Assert.Contains("  case 1, item 1 (opened now)", first.Output);
        Assert.Contains("open-cases: 1 item(s) in case(s) 1;", first.Output);

        // c1 (the grooming pattern) opened one case; c2 (friends planning a party) none.
        var cases = JsonDocument.Parse(db.Ok("review", "list", "--format", "json").Output).RootElement;
        var opened = Assert.Single(cases.EnumerateArray());
        Assert.Equal(("conversation:c1", 6), (opened.GetProperty("subject").GetString(), opened.GetProperty("priority").GetInt32()));
        var show = JsonDocument.Parse(db.Ok("review", "show", "1", "--format", "json").Output).RootElement;
        var item = Assert.Single(show.GetProperty("items").EnumerateArray());
        Assert.Equal(("conversation", "conversation", 6), (item.GetProperty("source").GetString(), item.GetProperty("reason").GetString(), item.GetProperty("priority").GetInt32()));
        var score = Assert.Single(item.GetProperty("scores").EnumerateArray());
        Assert.Equal(("conversation-rules", "default-1"), (score.GetProperty("model").GetString(), score.GetProperty("version").GetString()));
        Assert.Equal(1 - 0.7 * 0.7 * 0.65 * 0.65, score.GetProperty("score").GetDouble(), 6);
        var messages = item.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3], messages.Select(m => m.GetProperty("index").GetInt32()));
        Assert.Equal(["hi, nice drawing", "are your parents home?", "don't tell anyone we talk", "we should meet up"],
            messages.Select(m => m.GetProperty("text").GetString()));
        Assert.Equal(["secrecy"], messages[2].GetProperty("signals").EnumerateArray().Select(s => s.GetString()));
        // The text view shows the same messages, as written, with what each raised.
        var shown = db.Ok("review", "show", "1").OutputLines.Where(l => l.TrimStart().StartsWith("message ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, shown.Count);
        Assert.EndsWith(": don't tell anyone we talk  [secrecy]", shown[2], StringComparison.Ordinal);

        // Run again: the conversation's item is found, not opened twice, as the server answers more messages of one conversation.
        var again = db.Ok("text", "score", _messages, "--open-cases", "-f", "json");
        using var c1 = JsonDocument.Parse(again.OutputLines[0]);
        Assert.Equal((1, 1, false), (c1.RootElement.GetProperty("case_id").GetInt64(), c1.RootElement.GetProperty("item_id").GetInt64(),
            c1.RootElement.GetProperty("new_case").GetBoolean()));
        using var c2 = JsonDocument.Parse(again.OutputLines[1]);
        Assert.False(c2.RootElement.TryGetProperty("case_id", out _));
        Assert.Contains("open-cases: no new item, 1 opened before (not again)", again.Error);
        Assert.Single(JsonDocument.Parse(db.Ok("review", "list", "--format", "json").Output).RootElement.EnumerateArray());
        Assert.Single(JsonDocument.Parse(db.Ok("review", "show", "1", "--format", "json").Output).RootElement.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public void Open_cases_with_nothing_past_the_threshold_opens_nothing()
    {
        using var db = new TestDb();
        string benign = db.WriteFile("benign.jsonl", string.Join('\n', Messages.Split('\n').Where(l => l.Contains("\"c2\"", StringComparison.Ordinal))));
        var result = db.Ok("text", "score", benign, "--open-cases");
        Assert.StartsWith("c2  score 0.350  below", result.OutputLines[0]);
        Assert.Contains("open-cases: no conversation past the threshold, no case opened", result.Output);
        Assert.Equal("[]", db.Ok("review", "list", "--format", "json").Output.Trim());
    }

    [Fact]
    public void The_threshold_option_moves_the_line()
    {
        var result = CliRunner.Run("text", "score", _messages, "-f", "json", "--threshold", "0.3");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.All(result.OutputLines, line =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.GetProperty("past_threshold").GetBoolean());
            Assert.Equal(0.3, json.RootElement.GetProperty("threshold").GetDouble());
        });
        var bad = CliRunner.Run("text", "score", _messages, "--threshold", "1.5");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--threshold must be more than 0 and at most 1", bad.Error);
    }

    [Fact]
    public void A_rule_file_replaces_the_built_in_rules_and_a_bad_one_is_named()
    {
        string rules = _dir.File("rules.json");
        File.WriteAllText(rules, """{ "version": "ops-3", "threshold": 0.5, "rules": [ { "id": "party", "weight": 0.6, "patterns": ["\\bparty\\b"] } ] }""");
        var result = CliRunner.Run("text", "score", _messages, "--rules", rules, "-f", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var c2 = JsonDocument.Parse(result.OutputLines[1]);
        Assert.Equal("ops-3", c2.RootElement.GetProperty("rules_version").GetString());
        Assert.True(c2.RootElement.GetProperty("past_threshold").GetBoolean());

        File.WriteAllText(rules, """{ "version": "ops-4", "threshold": 0.5, "rules": [ { "id": "broken", "weight": 0.6, "patterns": ["(open"] } ] }""");
        var bad = CliRunner.Run("text", "score", _messages, "--rules", rules);
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith($"error: {rules}: rule 'broken': patterns[0] is not a usable regular expression", bad.Error);
        Assert.Equal("", bad.Output);
    }

    [Fact]
    public void A_bad_line_is_an_error_naming_its_number()
    {
        File.WriteAllText(_messages, Messages + "\n{\"conversation\":\"c3\",\"sender\":\"a\",\"recipient\":\"b\",\"text\":\"no time\"}\n");
        var result = CliRunner.Run("text", "score", _messages);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {_messages} line 8: time is required (ISO 8601)", result.Error.Trim());
        Assert.Equal("", result.Output);

        var missing = CliRunner.Run("text", "score", _dir.File("nope.jsonl"));
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("error: ", missing.Error);
    }

    [Fact]
    public async Task A_dash_reads_standard_input()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "text", "score", "-", "-f", "json" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(Messages);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        var file = CliRunner.Run("text", "score", _messages, "-f", "json");
        Assert.Equal(file.Output.Trim(), (await stdout).Trim());
    }

    [Fact]
    public void Bench_text_prints_its_tables_for_the_shipped_corpus()
    {
        var result = CliRunner.Run("bench", "text");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("# Conversation-risk rules on synthetic-corpus.jsonl", result.Output);
        Assert.Contains("| tune | 30 |", result.Output);
        Assert.Contains("| held-out | 30 |", result.Output);
        Assert.Contains("| secrecy | 0.35 |", result.Output);
        Assert.Contains("| age-gap | 0.30 |", result.Output);
        Assert.Contains("messages/s", result.Output);
        Assert.Contains("synthetic", result.Output);
    }

    [Fact]
    public void A_text_model_is_one_more_signal_in_score_and_bench()
    {
        // A token-weight model: only "secret" weighs 1, so "don't tell anyone we talk" scores 0 and a message of secrets fires.
        string[] vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "secret", "keep", "it"];
        var weights = new float[vocab.Length];
        weights[5] = 1;
        File.WriteAllBytes(_dir.File("text.onnx"), Vigil.Classifiers.Onnx.SyntheticModels.TokenWeights(weights));
        File.WriteAllLines(_dir.File("vocab.txt"), vocab);
        string manifest = _dir.File("text.json");
        File.WriteAllText(manifest, """
            { "name": "secrets", "version": "1", "model": "text.onnx", "vocab": "vocab.txt", "signal_weight": 0.25, "fires_at": 0.3 }
            """);
        string messages = _dir.File("model.jsonl");
        File.WriteAllText(messages, """
            {"conversation":"m1","sender":"a","recipient":"b","time":"2026-01-03T16:00:00Z","text":"secret secret keep it"}
            {"conversation":"m2","sender":"a","recipient":"b","time":"2026-01-03T16:00:00Z","text":"keep it"}
            """);
        var result = CliRunner.Run("text", "score", messages, "--format", "json", "--text-model", manifest);
        Assert.True(result.ExitCode == 0, result.Error);
        using var m1 = JsonDocument.Parse(result.OutputLines[0]);
        var signal = Assert.Single(m1.RootElement.GetProperty("signals").EnumerateArray());
        Assert.Equal("text-model:secrets", signal.GetProperty("id").GetString());
        Assert.Equal(0.25, m1.RootElement.GetProperty("score").GetDouble(), 6);
        using var m2 = JsonDocument.Parse(result.OutputLines[1]);
        Assert.Empty(m2.RootElement.GetProperty("signals").EnumerateArray());

        var bench = CliRunner.Run("bench", "text", "--text-model", manifest);
        Assert.True(bench.ExitCode == 0, bench.Error);
        Assert.Contains("| text-model:secrets | 0.25 |", bench.Output, StringComparison.Ordinal);
        var missing = CliRunner.Run("text", "score", messages, "--text-model", _dir.File("none.json"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error: --text-model: ", missing.Error, StringComparison.Ordinal);
    }
}
