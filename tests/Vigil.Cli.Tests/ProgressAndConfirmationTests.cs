using Vigil.Cli.Interaction;

namespace Vigil.Cli.Tests;

/// <summary>
/// Long commands show progress (a line redrawn in place on a terminal, plain lines in logs) and
/// destructive ones ask first on a terminal. <see cref="Terminal.Simulate"/> stands in for the terminal.
/// </summary>
public class ProgressAndConfirmationTests
{
    [Fact]
    public void Plain_lines_come_every_tenth_of_the_way_and_at_the_end()
    {
        using var _ = Terminal.Simulate(interactive: false);
        var error = new StringWriter { NewLine = "\n" };
        int odd = 0;
        var progress = new CommandProgress(error, "images", 25, () => $", {odd} odd");
        for (int i = 1; i <= 25; i++)
        {
            odd += i % 2;
            progress.Advance();
        }
        progress.Finish();
        string[] lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // A step of 2 (25 / 10): lines at 2, 4, ... 24, then the end.
        Assert.Equal(13, lines.Length);
        Assert.Equal("progress: 2/25 images, 1 odd", lines[0]);
        Assert.Equal("progress: 24/25 images, 12 odd", lines[11]);
        Assert.Equal("progress: 25/25 images, 13 odd", lines[12]);
        Assert.DoesNotContain('\r', error.ToString());
    }

    [Fact]
    public void Without_a_total_plain_lines_come_every_step_and_a_short_job_stays_quiet()
    {
        using var _ = Terminal.Simulate(interactive: false);
        var quiet = new StringWriter();
        var small = new CommandProgress(quiet, "items", total: null);
        small.Report(5_000);
        small.Finish();
        Assert.Equal("", quiet.ToString());

        var error = new StringWriter { NewLine = "\n" };
        var big = new CommandProgress(error, "items", total: null);
        big.Report(60_000);
        big.Report(CommandProgress.UnknownTotalStep + 1);
        big.Report(2 * CommandProgress.UnknownTotalStep + 7);
        big.Finish();
        Assert.Equal(["progress: 100,001 items", "progress: 200,007 items"], error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void On_a_terminal_one_line_is_redrawn_and_erased_before_other_output()
    {
        using var _ = Terminal.Simulate(interactive: true);
        var error = new StringWriter();
        var progress = new CommandProgress(error, "files", 4, plainLines: false);
        progress.Advance();
        string drawn = error.ToString();
        Assert.StartsWith("\r[", drawn);
        Assert.Contains("1/4 files", drawn);
        Assert.DoesNotContain('\n', drawn);
        progress.Clear();
        string erased = error.ToString()[drawn.Length..];
        Assert.Matches(@"^\r +\r$", erased);
        progress.Report(4); // the last one is always drawn
        Assert.Contains("[" + new string('#', 30) + "] 4/4 files", error.ToString());
        progress.Finish();
        Assert.EndsWith("\r", error.ToString());
        Assert.DoesNotContain("progress:", error.ToString());
    }

    [Fact]
    public void Hash_of_many_files_writes_plain_progress_to_stderr_and_of_few_files_none()
    {
        using var dir = new Vigil.Testing.TempDirectory("vigil-progress-");
        var files = new List<string>();
        for (int i = 0; i < 120; i++)
        {
            string path = dir.File($"f{i:D3}.txt");
            File.WriteAllText(path, $"file {i}");
            files.Add(path);
        }
        var many = CliRunner.Run(["hash", "--algorithm", "md5", .. files]);
        Assert.Equal(0, many.ExitCode);
        Assert.Equal(120, many.OutputLines.Length);
        var lines = many.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, lines.Length);
        Assert.Equal("progress: 12/120 files", lines[0]);
        Assert.Equal("progress: 120/120 files", lines[^1]);

        var few = CliRunner.Run(["hash", "--algorithm", "md5", .. files.Take(5)]);
        Assert.Equal(0, few.ExitCode);
        Assert.Equal("", few.Error);
    }

    [Fact]
    public void Bank_add_on_a_terminal_shows_a_bar_and_clears_it()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        CliResult added;
        using (Terminal.Simulate(interactive: true))
            added = db.Run("bank", "add", "KNOWN", CliSamples.Known("bridge.jpg"), CliSamples.Known("pen-and-coaster.jpg"));
        Assert.Equal(0, added.ExitCode);
        Assert.Contains("] 2/2 files hashed", added.Error);
        Assert.EndsWith("\r", added.Error);
        Assert.Equal("KNOWN: added 2, already present 0, failed 0", added.OutputLines.Single());
    }

    [Fact]
    public void Bank_import_reports_progress_on_a_terminal()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        var rng = new Random(7);
        string list = db.WriteFile("list.te", string.Join('\n', Enumerable.Range(0, 50).Select(_ => "pdq " + Hex256.Random(rng))) + "\n");
        CliResult imported;
        using (Terminal.Simulate(interactive: true))
            imported = db.Run("bank", "import", "KNOWN", list, "--batch-size", "10");
        Assert.Equal(0, imported.ExitCode);
        // Redrawn at most ten times a second, so which batch shows last depends on speed.
        Assert.Matches(@"\r[1-5]0 items: [1-5]0 added, 0 already present, 0 removed", imported.Error);
        Assert.EndsWith("\r", imported.Error);
    }

    [Fact]
    public void Bank_delete_on_a_terminal_needs_the_name_typed_or_yes()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        db.Ok("bank", "add", "KNOWN", CliSamples.Known("bridge.jpg"));

        CliResult refused;
        using (Terminal.Simulate(interactive: true, new StringReader("known\n")))
            refused = db.Run("bank", "delete", "KNOWN");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("delete bank KNOWN and its 1 items", refused.Error);
        Assert.Contains("not confirmed; bank KNOWN was not deleted", refused.Error);
        Assert.Equal(1, db.ContentCount("KNOWN"));

        CliResult noAnswer;
        using (Terminal.Simulate(interactive: true, TextReader.Null))
            noAnswer = db.Run("bank", "delete", "KNOWN");
        Assert.Equal(1, noAnswer.ExitCode);
        Assert.Equal(1, db.ContentCount("KNOWN"));

        CliResult confirmed;
        using (Terminal.Simulate(interactive: true, new StringReader("KNOWN\n")))
            confirmed = db.Run("bank", "delete", "KNOWN");
        Assert.Equal(0, confirmed.ExitCode);
        Assert.Equal("deleted bank KNOWN (1 items)", confirmed.OutputLines.Single());

        db.Ok("bank", "create", "OTHER");
        CliResult yes;
        using (Terminal.Simulate(interactive: true, new StringReader("")))
            yes = db.Run("bank", "delete", "OTHER", "--yes");
        Assert.Equal(0, yes.ExitCode);
        Assert.DoesNotContain("confirm", yes.Error);
    }

    [Fact]
    public void Bank_delete_in_a_script_does_not_ask()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        CliResult deleted;
        using (Terminal.Simulate(interactive: false, new StringReader("")))
            deleted = db.Run("bank", "delete", "KNOWN");
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal("", deleted.Error);
    }
}
