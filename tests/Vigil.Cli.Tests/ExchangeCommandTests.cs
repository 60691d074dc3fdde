using System.Diagnostics;
using System.Text.Json;
using Vigil.Exchanges.Fakes;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil exchange</c> against the fake exchanges on 127.0.0.1: configuration without secrets, a fetch to the end,
/// nothing twice on a second fetch, a real kill mid-fetch, refused credentials, bad input.</summary>
public class ExchangeCommandTests
{
    private static async Task<(TestDb Db, FakeStopNcii Fake, string Credentials)> StopNciiAsync(int records)
    {
        var db = new TestDb();
        db.Ok("bank", "create", "STOPNCII");
        var fake = await FakeStopNcii.StartAsync();
        fake.AddSynthetic(records);
        string credentials = db.WriteFile("stopncii.json", JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["subscription_key"] = FakeStopNcii.DefaultSubscriptionKey,
            ["fetch_function_key"] = FakeStopNcii.DefaultFetchFunctionKey,
        }));
        db.Ok("exchange", "add", "stopncii-test", "--type", "stopncii", "--bank", "STOPNCII", "--base-url", fake.BaseUrl.AbsoluteUri,
            "--credentials-file", credentials, "--interval", "5m");
        return (db, fake, credentials);
    }

    private static async Task<long> CountAsync(TestDb db, string bank)
    {
        await using var store = await SqliteVigilStore.OpenAsync(db.Path);
        long n = await store.CountContentAsync(bank);
        await store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return n;
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("-0.5")]
    public void Serve_and_fetch_refuse_a_backfill_share_outside_its_range_before_they_start(string share)
    {
        foreach (string[] command in new[] { new[] { "serve", "--urls", "http://127.0.0.1:0" }, new[] { "exchange", "fetch", "anything" } })
        {
            var result = CliRunner.Run([.. command, "--backfill-share", share]);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("--backfill-share is 0.05 to 1", result.Error);
        }
    }

    [Fact]
    public async Task An_exchange_is_added_shown_fetched_to_the_end_and_a_second_fetch_adds_nothing()
    {
        var (db, fake, credentials) = await StopNciiAsync(1200);
        using (db)
        await using (fake)
        {
            var list = db.Ok("exchange", "list").Output;
            Assert.Matches(@"stopncii-test\s+stopncii\s+STOPNCII\s+5m\s+never", list);
            var shown = db.Ok("exchange", "show", "stopncii-test").Output;
            Assert.Contains("credentials:  file " + credentials, shown);
            Assert.DoesNotContain(FakeStopNcii.DefaultFetchFunctionKey, shown);

            var fetched = db.Ok("exchange", "fetch", "stopncii-test");
            Assert.Contains("stopncii-test: ok: added 1200, removed 0, skipped 0", fetched.Output);
            Assert.Equal(1200, await CountAsync(db, "STOPNCII"));
            Assert.DoesNotContain(FakeStopNcii.DefaultSubscriptionKey, fetched.Output + fetched.Error);

            // Withdrawn at the exchange: removed here; nothing else changes.
            fake.Withdraw(FakeStopNcii.SyntheticPdq(7));
            using var again = JsonDocument.Parse(db.Ok("exchange", "fetch", "stopncii-test", "--format", "json").Output);
            Assert.Equal(("ok", 0L, 1L), (again.RootElement.GetProperty("status").GetString(), again.RootElement.GetProperty("added").GetInt64(),
                again.RootElement.GetProperty("removed").GetInt64()));
            Assert.Equal(1199, await CountAsync(db, "STOPNCII"));

            using var status = JsonDocument.Parse(db.Ok("exchange", "status", "--format", "json").Output);
            var row = Assert.Single(status.RootElement.EnumerateArray().ToList());
            Assert.Equal(1200, row.GetProperty("total").GetProperty("added").GetInt64());
            Assert.Equal(1, row.GetProperty("total").GetProperty("removed").GetInt64());
            Assert.False(row.TryGetProperty("subscription_key", out _));

            db.Ok("exchange", "remove", "stopncii-test");
            Assert.Contains("no exchanges", db.Ok("exchange", "list").Output);
            Assert.Equal(1199, await CountAsync(db, "STOPNCII"));
        }
    }

    [Fact]
    public async Task Remove_says_which_bank_keeps_the_entries_in_text_and_json_and_refuses_an_unknown_name()
    {
        var (db, fake, _) = await StopNciiAsync(3);
        using (db)
        await using (fake)
        {
            db.Ok("exchange", "fetch", "stopncii-test");
            db.Ok("bank", "create", "LISTS");
            db.Ok("exchange", "add", "partner-list", "--type", "url", "--bank", "LISTS", "--url", "https://lists.example.org/list.csv");

            using (var removed = JsonDocument.Parse(db.Ok("exchange", "remove", "stopncii-test", "--format", "json").Output))
            {
                var root = removed.RootElement;
                Assert.Equal(["name", "type", "bank", "removed"], root.EnumerateObject().Select(p => p.Name));
                Assert.Equal(("stopncii-test", "stopncii", "STOPNCII", true),
                    (root.GetProperty("name").GetString(), root.GetProperty("type").GetString(), root.GetProperty("bank").GetString(),
                        root.GetProperty("removed").GetBoolean()));
            }
            Assert.Equal(3, await CountAsync(db, "STOPNCII"));
            Assert.Equal("removed exchange partner-list; the entries it added stay in bank LISTS", db.Ok("exchange", "remove", "partner-list").Output.Trim());
            Assert.Contains("no exchanges", db.Ok("exchange", "list").Output);

            foreach (string[] args in new[] { new[] { "exchange", "remove", "stopncii-test", "--format", "json" }, ["exchange", "remove", "stopncii-test"] })
            {
                var again = db.Run(args);
                Assert.NotEqual(0, again.ExitCode);
                Assert.Contains("no exchange named 'stopncii-test'", again.Error);
                Assert.Equal("", again.Output.Trim());
            }
            var audit = (await AuditAsync(db)).Where(e => e.Action == "exchange.remove").ToList();
            Assert.Equal([("stopncii-test", 0), ("partner-list", 0), ("stopncii-test", 1), ("stopncii-test", 1)],
                audit.Select(e => (e.Subject, JsonDocument.Parse(e.DetailJson!).RootElement.GetProperty("status").GetInt32())));
            Assert.Equal("STOPNCII", JsonDocument.Parse(audit[0].DetailJson!).RootElement.GetProperty("outcome").GetProperty("bank").GetString());
        }
    }

    [Fact]
    public async Task A_fetch_killed_mid_way_resumes_from_its_checkpoint_with_nothing_lost_or_added_twice()
    {
        const int Records = 40_000;
        var (db, fake, _) = await StopNciiAsync(Records);
        using (db)
        await using (fake)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "--db", db.Path, "exchange", "fetch", "stopncii-test" })
                start.ArgumentList.Add(a);
            using (var process = Process.Start(start)!)
            {
                _ = process.StandardOutput.ReadToEndAsync();
                // Killed once the first batch of 5,000 is committed (the fetch prints its progress after every commit).
                var clock = Stopwatch.StartNew();
                string? line;
                while ((line = await process.StandardError.ReadLineAsync()) is not null && !line.Contains("so far", StringComparison.Ordinal))
                    Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "no commit within 2 minutes");
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            long partial = await CountAsync(db, "STOPNCII");
            Assert.InRange(partial, 1, Records - 1);

            // The killed process still holds the exchange (for 10 minutes): an operator takes it over.
            Assert.Contains("--take-over", db.Run("exchange", "fetch", "stopncii-test").Error);
            var resumed = db.Ok("exchange", "fetch", "stopncii-test", "--take-over");
            Assert.Contains("stopncii-test: ok", resumed.Output);
            Assert.Equal(Records, await CountAsync(db, "STOPNCII"));
            // The second run asked only for what came after the first run's last checkpoint.
            Assert.True(fake.Host.RequestCount(FakeStopNcii.FetchPath) < 2 * (Records / 800) + 2, "the resumed fetch started over");
        }
    }

    [Fact]
    public async Task Refused_credentials_stop_the_exchange_and_show_why()
    {
        var (db, fake, _) = await StopNciiAsync(10);
        using (db)
        await using (fake)
        {
            string wrong = db.WriteFile("wrong.json", """{"subscription_key": "nope", "fetch_function_key": "nope-either"}""");
            db.Ok("exchange", "add", "wrong-keys", "--type", "stopncii", "--bank", "STOPNCII", "--base-url", fake.BaseUrl.AbsoluteUri, "--credentials-file", wrong);
            var refused = db.Run("exchange", "fetch", "wrong-keys");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("wrong-keys: auth_failed", refused.Output);
            Assert.Contains("401", refused.Output);
            Assert.DoesNotContain("nope-either", refused.Output + refused.Error);
            Assert.Equal(1, fake.Refused);
            var status = db.Run("exchange", "status");
            Assert.Equal(1, status.ExitCode);
            Assert.Contains("wrong-keys: auth_failed", status.Output);
        }
    }

    [Fact]
    public void Bad_input_is_a_clear_error()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "B");
        Assert.Contains("--type url needs --url", db.Run("exchange", "add", "x", "--type", "url", "--bank", "B").Error);
        Assert.Contains("--privacy-group", db.Run("exchange", "add", "x", "--type", "threatexchange", "--bank", "B").Error);
        Assert.Contains("--url is for --type url", db.Run("exchange", "add", "x", "--type", "ncmec", "--bank", "B", "--url", "https://example.org/l.csv").Error);
        Assert.Contains("bank 'NOPE' not found", db.Run("exchange", "add", "x", "--type", "ncmec", "--bank", "NOPE").Error);
        Assert.Contains("no such file", db.Run("exchange", "add", "x", "--type", "ncmec", "--bank", "B", "--credentials-file", "/no/such.json").Error);
        Assert.Contains("--interval must be", db.Run("exchange", "add", "x", "--type", "ncmec", "--bank", "B", "--interval", "often").Error);
        Assert.Equal(2, db.Run("exchange", "add", "x", "--type", "ftp", "--bank", "B").ExitCode);
        Assert.Contains("no exchange named 'nope'", db.Run("exchange", "fetch", "nope").Error);
        Assert.Contains("no exchange named 'nope'", db.Run("exchange", "show", "nope").Error);
        db.Ok("exchange", "add", "list", "--type", "url", "--bank", "B", "--url", "https://lists.example.org/l.csv");
        Assert.Contains("not under the URL allow-list", db.Run("exchange", "fetch", "list").Error);
        Assert.Contains("exists already", db.Run("exchange", "add", "list", "--type", "url", "--bank", "B", "--url", "https://lists.example.org/l.csv").Error);
    }

    private static async Task<List<Vigil.Storage.AuditEntry>> AuditAsync(TestDb db)
    {
        var entries = new List<Vigil.Storage.AuditEntry>();
        await using (var store = await SqliteVigilStore.OpenAsync(db.Path))
        {
            await foreach (var entry in store.ReadAuditAsync())
                entries.Add(entry);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return entries;
    }

    [Fact]
    public async Task Sharing_a_bank_is_off_until_an_admin_turns_it_on_shows_on_the_exchange_and_is_audited()
    {
        var (db, fake, _) = await StopNciiAsync(records: 0);
        using (db)
        await using (fake)
        {
            db.Ok("bank", "create", "CONFIRMED");
            db.Ok("bank", "create", "NCMEC");
            db.Ok("exchange", "add", "ncmec-test", "--type", "ncmec", "--bank", "NCMEC");
            Assert.Empty(JsonDocument.Parse(db.Ok("exchange", "show", "stopncii-test", "--format", "json").Output).RootElement.GetProperty("shared_banks").EnumerateArray());

            Assert.Contains("now sharing bank CONFIRMED to exchange stopncii-test", db.Ok("exchange", "share", "stopncii-test", "--bank", "CONFIRMED").Output);
            Assert.Contains("already sharing", db.Ok("exchange", "share", "stopncii-test", "--bank", "CONFIRMED").Output);
            Assert.Contains("shares:       confirmed content of bank CONFIRMED (turned on by cli:", db.Ok("exchange", "show", "stopncii-test").Output);
            var listed = JsonDocument.Parse(db.Ok("exchange", "list", "--format", "json").Output).RootElement;
            Assert.Equal(["[]", "[\"CONFIRMED\"]"], listed.EnumerateArray().Select(e => e.GetProperty("shared_banks").GetRawText()));

            // What cannot be shared is refused, naming why.
            Assert.Contains("exchange ncmec-test (ncmec) takes no submissions", db.Run("exchange", "share", "ncmec-test", "--bank", "CONFIRMED").Error);
            Assert.Contains("is the one exchange stopncii-test fills", db.Run("exchange", "share", "stopncii-test", "--bank", "STOPNCII").Error);
            Assert.Contains("bank 'NOPE' not found", db.Run("exchange", "share", "stopncii-test", "--bank", "NOPE").Error);
            Assert.Contains("no exchange named 'nope'", db.Run("exchange", "share", "nope", "--bank", "CONFIRMED").Error);

            Assert.Contains("stopped sharing bank CONFIRMED", db.Ok("exchange", "share", "stopncii-test", "--bank", "CONFIRMED", "--off").Output);
            Assert.Contains("was not sharing", db.Ok("exchange", "share", "stopncii-test", "--bank", "CONFIRMED", "--off").Output);
            Assert.DoesNotContain("shares:", db.Ok("exchange", "show", "stopncii-test").Output);

            var audit = (await AuditAsync(db)).Where(e => e.Action.StartsWith("exchange.", StringComparison.Ordinal)).ToList();
            Assert.Equal(
                [("exchange.add", "stopncii-test", 0), ("exchange.add", "ncmec-test", 0), ("exchange.share", "stopncii-test", 0), ("exchange.share", "stopncii-test", 0),
                 ("exchange.share", "ncmec-test", 1), ("exchange.share", "stopncii-test", 1), ("exchange.share", "stopncii-test", 1), ("exchange.share", "nope", 1),
                 ("exchange.unshare", "stopncii-test", 0), ("exchange.unshare", "stopncii-test", 0)],
                audit.Select(e => (e.Action, e.Subject, JsonDocument.Parse(e.DetailJson!).RootElement.GetProperty("status").GetInt32())));
            Assert.All(audit, e => Assert.StartsWith("cli:", e.Actor));
            var first = JsonDocument.Parse(audit[2].DetailJson!).RootElement.GetProperty("outcome");
            Assert.Equal(("CONFIRMED", true), (first.GetProperty("bank").GetString(), first.GetProperty("changed").GetBoolean()));
            Assert.False(JsonDocument.Parse(audit[3].DetailJson!).RootElement.GetProperty("outcome").GetProperty("changed").GetBoolean());
        }
    }

    [Fact]
    public async Task Set_turns_fetching_off_and_on_and_changes_the_interval()
    {
        var (db, fake, _) = await StopNciiAsync(records: 0);
        using (db)
        await using (fake)
        {
            Assert.Equal("exchange stopncii-test: not fetched (disabled), every 5m\n", db.Ok("exchange", "set", "stopncii-test", "--disable").Output);
            var json = JsonDocument.Parse(db.Ok("exchange", "set", "stopncii-test", "--enable", "--interval", "2h", "--format", "json").Output).RootElement;
            Assert.Equal((true, 7200L), (json.GetProperty("enabled").GetBoolean(), json.GetProperty("interval_seconds").GetInt64()));
            Assert.Contains("every 2h", db.Ok("exchange", "show", "stopncii-test").Output);

            Assert.Contains("nothing to change", db.Run("exchange", "set", "stopncii-test").Error);
            Assert.Contains("contradict", db.Run("exchange", "set", "stopncii-test", "--enable", "--disable").Error);
            Assert.Contains("between 1 s and 7 days", db.Run("exchange", "set", "stopncii-test", "--interval", "30d").Error);
            Assert.Contains("--interval must be", db.Run("exchange", "set", "stopncii-test", "--interval", "often").Error);
            Assert.Contains("no exchange named 'nope'", db.Run("exchange", "set", "nope", "--disable").Error);
            var updates = (await AuditAsync(db)).Where(e => e.Action == "exchange.update").ToList();
            Assert.Equal(4, updates.Count); // two done, the bad interval and the unknown exchange failed; the rest never reached the store
        }
    }
}
