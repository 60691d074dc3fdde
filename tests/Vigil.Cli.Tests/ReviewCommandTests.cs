using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil scan --open-cases</c> and <c>vigil review list|show|decide|purge|hold</c> on one store, as a script would use them.</summary>
public class ReviewCommandTests
{
    private static TestDb ScanWithCases(out string dir)
    {
        var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        db.Ok("bank", "add", "KNOWN", CliSamples.Known("bridge.jpg"));
        dir = Path.Combine(db.Dir, "scan");
        db.CopyFile(CliSamples.Upload("bridge-brighter.jpg"), "scan/bridge-brighter.jpg");
        db.CopyFile(CliSamples.Upload("scene-q0122.jpg"), "scan/scene-q0122.jpg");
        var scan = db.Ok("scan", "--open-cases", dir);
        Assert.Contains("open-cases: 1 item(s) in case(s) 1;", scan.Output);
        return db;
    }

    [Fact]
    public void Scan_opens_a_case_for_what_matched_and_review_shows_it()
    {
        using var db = ScanWithCases(out string dir);
        var list = JsonDocument.Parse(db.Ok("review", "list", "--format", "json").Output).RootElement;
        var only = Assert.Single(list.EnumerateArray());
        Assert.Equal(("scan:" + dir, "open", 1), (only.GetProperty("subject").GetString(), only.GetProperty("status").GetString(), only.GetProperty("item_count").GetInt32()));
        var show = JsonDocument.Parse(db.Ok("review", "show", "1", "--format", "json").Output).RootElement;
        var item = Assert.Single(show.GetProperty("items").EnumerateArray());
        Assert.Equal(("scan", "bridge-brighter.jpg"), (item.GetProperty("source").GetString(), item.GetProperty("context").GetProperty("file_name").GetString()));
        Assert.Equal("KNOWN", item.GetProperty("matches")[0].GetProperty("bank").GetString());
        Assert.Contains("matched KNOWN #1 by pdq at distance", db.Ok("review", "show", "1").Output);
        Assert.Contains("known match", db.Ok("review", "list", "--status", "open").Output);
        // A second scan of the same folder joins its open case.
        db.Ok("scan", "--open-cases", dir);
        Assert.Equal(2, JsonDocument.Parse(db.Ok("review", "list", "--format", "json").Output).RootElement[0].GetProperty("item_count").GetInt32());
    }

    [Fact]
    public void Decide_confirms_into_a_bank_reports_and_every_step_is_audited()
    {
        using var db = ScanWithCases(out _);
        var early = db.Run("review", "decide", "1", "--verdict", "report");
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("a report needs at least one item decided confirmed", early.Error);
        Assert.Contains("confirmed needs --classification", db.Run("review", "decide", "1", "--item", "1", "--verdict", "confirmed").Error);
        Assert.Contains("case 1 has no item 7", db.Run("review", "decide", "1", "--item", "7", "--verdict", "skip").Error);
        var confirmed = db.Ok("review", "decide", "1", "--item", "1", "--verdict", "confirmed", "--classification", "A2", "--confirmed-bank", "CONFIRMED");
        Assert.Contains("case 1 item 1: confirmed A2", confirmed.Output);
        Assert.Equal(1, db.ContentCount("CONFIRMED"));
        db.Ok("review", "decide", "1", "--verdict", "report");
        var shown = db.Ok("review", "show", "1").Output;
        Assert.Contains("case 1: decided report", shown);
        Assert.Contains(": item 1 confirmed A2", shown);
        Assert.Contains("decided already", db.Run("review", "decide", "1", "--verdict", "no_report").Error);
        Assert.Contains("no case 99", db.Run("review", "decide", "99", "--verdict", "report").Error);

        var audit = db.Ok("audit", "list", "--format", "json").Output;
        foreach (string action in new[] { "case.claim", "case.item.decide", "case.decide", "case.release" })
            Assert.Contains($"\"{action}\"", audit);
    }

    [Fact]
    public void Purge_keeps_held_and_recent_cases_and_bad_retention_is_refused()
    {
        using var db = ScanWithCases(out _);
        db.Ok("review", "decide", "1", "--verdict", "no_report");
        Assert.Equal("nothing to purge", db.Ok("review", "purge").Output.Trim());
        db.Ok("review", "hold", "1");
        Assert.Contains(", legal hold", db.Ok("review", "show", "1").Output);
        db.Ok("review", "hold", "1", "--release");
        Assert.DoesNotContain("legal hold", db.Ok("review", "show", "1").Output);
        Assert.Contains("at least 365 days", db.Run("review", "purge", "--reported-retention", "30d").Error);
        var idle = db.Run("review", "purge", "--idle-conversation-retention", "0d");
        Assert.Equal(1, idle.ExitCode);
        Assert.Equal("error: --idle-conversation-retention must be more than zero, not '0d'", idle.Error.Trim());
        Assert.Contains("no case 5", db.Run("review", "hold", "5").Error);
        Assert.Equal(2, db.Run("review", "list", "--status", "pending").ExitCode);
    }

    [Fact]
    public void Decide_and_purge_answer_json_as_the_service_does()
    {
        using var db = ScanWithCases(out _);
        var item = JsonDocument.Parse(db.Ok("review", "decide", "1", "--item", "1", "--verdict", "confirmed", "--classification", "B1",
            "--format", "json").Output).RootElement;
        Assert.Equal(("done", 1L, "open"), (item.GetProperty("outcome").GetString(), item.GetProperty("case").GetProperty("id").GetInt64(),
            item.GetProperty("case").GetProperty("status").GetString()));
        var report = JsonDocument.Parse(db.Ok("review", "decide", "1", "--verdict", "report", "--four-eyes", "--format", "json").Output).RootElement;
        Assert.Equal("awaiting_second_reviewer", report.GetProperty("outcome").GetString());
        var closed = JsonDocument.Parse(db.Ok("review", "decide", "1", "--verdict", "no_report", "--format", "json").Output).RootElement;
        Assert.Equal(("done", "decided"), (closed.GetProperty("outcome").GetString(), closed.GetProperty("case").GetProperty("status").GetString()));
        var purge = JsonDocument.Parse(db.Ok("review", "purge", "--format", "json").Output).RootElement;
        Assert.Equal(0, purge.GetProperty("purged").GetArrayLength());
        Assert.Equal(0, purge.GetProperty("idle_conversations").GetInt32());
        Assert.Equal(2, db.Run("review", "purge", "--format", "yaml").ExitCode);
    }
}
