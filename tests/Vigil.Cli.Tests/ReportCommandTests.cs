using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Cli.Benchmarks;
using Vigil.Reporting.Fake;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Tests;

/// <summary>
/// <c>vigil report list|show|send|retry|retract</c> and <c>vigil serve</c> with a reporting section,
/// against a fake CyberTipline: a benign sample photo is scanned into a case (kept in the evidence
/// vault), decided <c>report</c> through the CLI and filed.
/// </summary>
public class ReportCommandTests
{
    /// <summary>A store with case 1 decided report (one confirmed photo in the vault), a fake CyberTipline and a config file pointing at it.</summary>
    internal sealed class Filing : IAsyncDisposable
    {
        private Filing(TestDb db, FakeCyberTipline fake, string photo, string vaultKey)
        {
            (Db, Fake, Photo, VaultKey) = (db, fake, photo, vaultKey);
            PasswordFile = db.WriteFile("cybertipline.password", "vigil-dev\n");
            Config = WriteConfig("vigil.json", "test", Fake.BaseAddress.AbsoluteUri, VaultKey);
        }

        public TestDb Db { get; }
        public FakeCyberTipline Fake { get; }
        public string Photo { get; }
        public string VaultKey { get; }
        public string PasswordFile { get; }
        public string Config { get; }

        /// <summary>Case 1 with the bridge photo; with <paramref name="twoFiles"/>, also the pen-and-coaster photo (two items).</summary>
        public static async Task<Filing> StartAsync(bool twoFiles = false)
        {
            var db = new TestDb();
            string key = Path.Combine(db.Dir, "vault.key");
            db.Ok("review", "init-key", "--out", key);
            db.Ok("bank", "create", "KNOWN");
            db.Ok("bank", "add", "KNOWN", CliSamples.Known("bridge.jpg"));
            string photo = db.CopyFile(CliSamples.Upload("bridge-brighter.jpg"), "scan/bridge-brighter.jpg");
            if (twoFiles)
            {
                db.Ok("bank", "add", "KNOWN", CliSamples.Known("pen-and-coaster.jpg"));
                db.CopyFile(CliSamples.Upload("pen-and-coaster-half-q40.jpg"), "scan/pen-and-coaster-half-q40.jpg");
            }
            int items = twoFiles ? 2 : 1;
            Assert.Contains($"open-cases: {items} item(s) in case(s) 1;", db.Ok("scan", "--open-cases", "--vault-key", key, "--url-prefix", "https://uploads.example.com/u/", Path.Combine(db.Dir, "scan")).Output);
            for (int item = 1; item <= items; item++)
                db.Ok("review", "decide", "1", "--item", item.ToString(System.Globalization.CultureInfo.InvariantCulture), "--verdict", "confirmed", "--classification", "A1");
            db.Ok("review", "decide", "1", "--verdict", "report");
            return new Filing(db, await FakeCyberTipline.StartAsync(), photo, key);
        }

        /// <summary>A serve config file with a reporting section (and the vault key when given).</summary>
        public string WriteConfig(string name, string environment, string? url, string? vaultKey)
        {
            var reporting = new JsonObject
            {
                ["environment"] = environment,
                ["url"] = url,
                ["user"] = "vigil",
                ["password_file"] = PasswordFile,
                ["reporter"] = new JsonObject
                {
                    ["company"] = "Example Platform, Inc.",
                    ["reporting_person"] = new JsonObject { ["first_name"] = "Riley", ["last_name"] = "Reporter", ["email"] = "trust@example.com" },
                    ["terms_of_service_url"] = "https://example.com/terms",
                },
            };
            var config = new JsonObject { ["reporting"] = reporting };
            if (vaultKey is not null)
                config["review"] = new JsonObject { ["vault_key"] = vaultKey };
            return Db.WriteFile(name, config.ToJsonString());
        }

        public CliResult Report(params string[] args) => Db.Run(["report", .. args]);

        public CliResult ReportOk(params string[] args) => Db.Ok(["report", .. args]);

        public JsonElement Json(params string[] args) => JsonDocument.Parse(ReportOk([.. args, "--format", "json"]).Output).RootElement.Clone();

        public async ValueTask DisposeAsync()
        {
            await Fake.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Db.Dispose();
        }
    }

    [Fact]
    public async Task Send_files_the_case_with_the_photo_byte_for_byte_and_list_and_show_say_finished()
    {
        await using var f = await Filing.StartAsync();
        var sent = f.ReportOk("send", "1", "--config", f.Config);
        foreach (string step in new[] { "case 1: report 1 queued", "submit", "upload", "fileinfo", "finish", "case 1 reported: NCMEC report 1000001 finished with 1 file(s)" })
            Assert.Contains(step, sent.Output);
        Assert.DoesNotContain("vigil-dev", sent.Output + sent.Error);

        var filed = Assert.Single(f.Fake.Reports);
        Assert.Equal(FakeReportState.Finished, filed.State);
        Assert.Equal(File.ReadAllBytes(f.Photo), Assert.Single(filed.Files).Bytes);
        Assert.Contains("https://uploads.example.com/u/bridge-brighter.jpg", System.Text.Encoding.UTF8.GetString(filed.Document));

        var list = f.ReportOk("list").Output;
        Assert.Contains("REPORT  CASE", list);
        Assert.Matches(@"1\s+1\s+finished\s+1\s+1000001\s+1/1", list);
        var row = Assert.Single(f.Json("list").EnumerateArray());
        Assert.Equal(("finished", 1000001L, 1, 1), (row.GetProperty("state").GetString(), row.GetProperty("hotline_report_id").GetInt64(),
            row.GetProperty("files_done").GetInt32(), row.GetProperty("files_total").GetInt32()));
        Assert.Equal("no failed reports", f.ReportOk("list", "--state", "failed").Output.Trim());

        var show = f.ReportOk("show", "1").Output;
        Assert.Contains("report 1 of case 1: finished, NCMEC report 1000001, attempt 1", show);
        Assert.Contains("bridge-brighter.jpg", show);
        Assert.Contains("report 1000001 opened with 1 file(s) to send", show);
        var details = f.Json("show", "--case", "1");
        Assert.Equal("described", details.GetProperty("files")[0].GetProperty("state").GetString());
        var steps = details.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("step").GetString()).ToList();
        Assert.Equal(["submit", "upload", "fileinfo", "finish", "case"], steps);

        Assert.Contains("reported as 1000001", f.Db.Ok("review", "show", "1").Output);
        var audit = f.Db.Ok("audit", "list", "--format", "json").Output;
        Assert.Contains("\"report.queue\"", audit);
        Assert.Contains("\"case.reported\"", audit);

        // Sending it again files nothing more.
        Assert.Contains("reported already: NCMEC report 1000001", f.ReportOk("send", "1", "--config", f.Config).Output);
        Assert.Single(f.Fake.Reports);
    }

    [Fact]
    public async Task A_refused_report_fails_with_NCMECs_message_and_retry_then_files_it()
    {
        await using var f = await Filing.StartAsync();
        f.Fake.Inject("submit", FakeFailure.Result(4100, "Validation failed: incidentSummary is not acceptable"));
        var failed = f.Report("send", "1", "--config", f.Config);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("error: report 1 failed: NCMEC refused submit (4100: Validation failed: incidentSummary is not acceptable)", failed.Error);
        Assert.Contains("'vigil report retry 1'", failed.Error);
        Assert.Matches(@"1\s+1\s+failed", f.ReportOk("list", "--state", "failed").Output);
        Assert.Contains("last error: NCMEC refused submit", f.ReportOk("show", "1").Output);
        Assert.Equal(4100, f.Json("show", "1").GetProperty("report").GetProperty("last_code").GetInt32());

        // Sending a failed report again says what to do rather than filing it.
        var again = f.Report("send", "1", "--config", f.Config);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("'vigil report retry 1' puts it back to work", again.Error);

        var retried = f.ReportOk("retry", "1", "--config", f.Config).Output;
        Assert.Contains("report 1 of case 1 is queued again: retried by cli:", retried);
        Assert.Contains("case 1 reported: NCMEC report 1000001", retried);
        Assert.Equal(FakeReportState.Finished, Assert.Single(f.Fake.Reports).State);
        var history = f.Json("show", "1").GetProperty("history").EnumerateArray().ToList();
        Assert.Contains(history, e => e.GetProperty("step").GetString() == "retry" && e.GetProperty("outcome").GetString() == "note"
                                      && e.GetProperty("message").GetString()!.StartsWith("retried by cli:", StringComparison.Ordinal));
        var audit = f.Db.Ok("audit", "list", "--format", "json").Output;
        Assert.Contains("\"case.report_failed\"", audit);
        Assert.Contains("\"report.retry\"", audit);

        // Only failed or retracted reports are retried.
        var finished = f.Report("retry", "1", "--config", f.Config);
        Assert.Equal(1, finished.ExitCode);
        Assert.Contains("report 1 is finished; only a failed or retracted report is retried", finished.Error);
    }

    [Fact]
    public async Task Retract_withdraws_an_open_report_at_NCMEC_and_a_finished_one_is_refused()
    {
        await using var f = await Filing.StartAsync();
        // The file's details are refused: NCMEC holds report 1000001 open with the file; the outbox's report stops.
        f.Fake.Inject("fileinfo", FakeFailure.Result(4100, "fileDetails refused"));
        Assert.Equal(1, f.Report("send", "1", "--config", f.Config).ExitCode);
        Assert.Equal(FakeReportState.Open, Assert.Single(f.Fake.Reports).State);
        // As a worker leaves it between steps while it waits out a back-off: open, due later.
        await SetOpenAsync(f.Db.Path, 1);
        Assert.Matches(@"1\s+1\s+open\s+1\s+1000001", f.ReportOk("list").Output);

        var noConfig = f.Report("retract", "1");
        Assert.Equal(1, noConfig.ExitCode);
        Assert.Contains("give --config FILE", noConfig.Error);
        var retracted = f.ReportOk("retract", "1", "--config", f.Config).Output;
        Assert.Contains("report 1 of case 1: retracted by cli:", retracted);
        Assert.Contains("NCMEC retracted report 1000001", retracted);
        Assert.Equal(FakeReportState.Retracted, Assert.Single(f.Fake.Reports).State);
        Assert.Equal("retracted", f.Json("show", "1").GetProperty("report").GetProperty("state").GetString());
        Assert.Contains("\"report.retract\"", f.Db.Ok("audit", "list", "--format", "json").Output);
        Assert.Contains("report 1 is retracted already", f.Report("retract", "1", "--config", f.Config).Error);

        // A retracted report starts again as a new one at NCMEC; once finished it cannot be retracted.
        var retried = f.ReportOk("retry", "1", "--config", f.Config).Output;
        Assert.Contains("NCMEC no longer holds report 1000001, so it starts again as a new report", retried);
        Assert.Contains("case 1 reported: NCMEC report 1000002", retried);
        Assert.Equal([FakeReportState.Retracted, FakeReportState.Finished], f.Fake.Reports.Select(r => r.State));
        var refused = f.Report("retract", "1", "--config", f.Config);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("report 1 is finished (NCMEC report 1000002): a finished report cannot be retracted", refused.Error);
        Assert.Equal(2, f.Json("show", "1").GetProperty("report").GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Production_needs_the_section_and_the_flag_and_reporting_needs_the_vault()
    {
        await using var f = await Filing.StartAsync();
        string production = f.WriteConfig("production.json", "production", null, f.VaultKey);
        foreach (var refused in new[] { f.Report("send", "1", "--config", production), f.Db.Run("serve", "--config", production) })
        {
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("the reporting section says environment production: give --cybertipline production", refused.Error);
        }
        var mismatch = f.Report("send", "1", "--config", f.Config, "--cybertipline", "production");
        Assert.NotEqual(0, mismatch.ExitCode);
        Assert.Contains("--cybertipline production needs \"environment\": \"production\" in the reporting section", mismatch.Error);
        Assert.Equal(2, f.Report("send", "1", "--config", f.Config, "--cybertipline", "staging").ExitCode);
        Assert.Equal(0, f.Fake.RequestCount("submit"));
        // Nothing was queued by the refused sends.
        Assert.Equal("no reports", f.ReportOk("list").Output.Trim());

        string noVault = f.WriteConfig("no-vault.json", "test", f.Fake.BaseAddress.AbsoluteUri, null);
        var serve = f.Db.Run("serve", "--config", noVault);
        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("reporting needs the evidence vault", serve.Error);
        Assert.Contains("--vault-key FILE or review.vault_key", f.Report("send", "1", "--config", noVault).Error);

        File.WriteAllText(f.PasswordFile, "");
        var empty = f.Report("send", "1", "--config", f.Config);
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("is empty", empty.Error);
    }

    [Fact]
    public async Task Bad_input_is_a_clear_error()
    {
        await using var f = await Filing.StartAsync();
        var unknown = f.Report("show", "99");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("error: no report 99", unknown.Error);
        var word = f.Report("show", "abc");
        Assert.Equal(2, word.ExitCode);
        Assert.Contains("REPORT_ID must be a report number (see 'vigil report list'), not 'abc'", word.Error);
        Assert.Contains("give a REPORT_ID or --case CASE_ID", f.Report("show").Error);
        Assert.Contains("case 1 has no report", f.Report("show", "--case", "1").Error);
        Assert.Contains("no report 7", f.Report("retry", "7", "--config", f.Config).Error);
        Assert.Contains("no report 7", f.Report("retract", "7").Error);
        Assert.Contains("CASE_ID must be a case number", f.Report("send", "0", "--config", f.Config).Error);
        var noCase = f.Report("send", "42", "--config", f.Config);
        Assert.Equal(1, noCase.ExitCode);
        Assert.Contains("error: no case 42", noCase.Error);
        Assert.Equal(2, f.Report("list", "--state", "lost").ExitCode);
        Assert.Contains("--limit must be 1 to 1000", f.Report("list", "--limit", "0").Error);
        Assert.Contains("this needs the reporting settings: give --config FILE", f.Report("send", "1").Error);

        // A case not decided report is not queued.
        f.Db.CopyFile(CliSamples.Upload("bridge-brighter.jpg"), "more/copy.jpg");
        f.Db.Ok("scan", "--open-cases", Path.Combine(f.Db.Dir, "more"));
        var open = f.Report("send", "2", "--queue-only");
        Assert.Equal(1, open.ExitCode);
        Assert.Contains("case 2 is not decided report", open.Error);
    }

    [Fact]
    public async Task The_environment_wins_over_the_file_and_the_password_never_shows()
    {
        await using var f = await Filing.StartAsync();
        // The file names a port nobody listens on and a wrong password: the variables must win over both.
        File.WriteAllText(f.PasswordFile, "not-the-password\n");
        string config = f.WriteConfig("elsewhere.json", "test", "http://127.0.0.1:1/ispws/", f.VaultKey);
        var sent = CliRunner.RunProcess(new Dictionary<string, string>
        {
            ["VIGIL_CYBERTIPLINE_URL"] = f.Fake.BaseAddress.AbsoluteUri,
            ["VIGIL_CYBERTIPLINE_USER"] = "vigil",
            ["VIGIL_CYBERTIPLINE_PASSWORD"] = "vigil-dev",
        }, "--db", f.Db.Path, "report", "send", "1", "--config", config);
        Assert.True(sent.ExitCode == 0, sent.Output + sent.Error);
        Assert.Contains($"filing with the CyberTipline at {f.Fake.BaseAddress.AbsoluteUri} (test) as vigil", sent.Output);
        Assert.DoesNotContain("vigil-dev", sent.Output + sent.Error);
        Assert.Equal(FakeReportState.Finished, Assert.Single(f.Fake.Reports).State);
    }

    [Fact]
    public async Task Serve_with_a_reporting_section_files_a_queued_case_on_its_own()
    {
        await using var f = await Filing.StartAsync();
        var queued = f.ReportOk("send", "1", "--queue-only").Output;
        Assert.Contains("a running 'vigil serve' with reporting files it", queued);
        await using (var server = await ServerProcess.StartAsync(f.Db.Path, TimeSpan.FromSeconds(60), CancellationToken.None, "--config", f.Config))
        {
            // Finished at NCMEC, then (a moment later) the case marked and the outbox's report finished.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!(f.Fake.Reports is [{ State: FakeReportState.Finished }] && OutboxState(f) == "finished") && clock.Elapsed < TimeSpan.FromSeconds(30))
                await Task.Delay(100);
            Assert.True(f.Fake.Reports is [{ State: FakeReportState.Finished }], $"no finished report within 30 s: {server.LastOutput()}");
            Assert.Equal("finished", OutboxState(f));
            Assert.DoesNotContain("vigil-dev", server.LastOutput());
        }
        Assert.Equal(File.ReadAllBytes(f.Photo), Assert.Single(Assert.Single(f.Fake.Reports).Files).Bytes);
        Assert.Contains("reported as 1000001", f.Db.Ok("review", "show", "1").Output);
    }

    /// <summary>
    /// NCMEC acts on a step and the server is killed (SIGKILL) before it hears the answer: after submit, mid-upload (the
    /// second file), after a fileinfo, before the finish's answer. The restarted server (same name, so it frees what its
    /// previous run held at once) resumes from the saved step: exactly one finished report for the case, each file once.
    /// </summary>
    [Theory]
    [InlineData("submit", 0)]
    [InlineData("upload", 1)]
    [InlineData("fileinfo", 0)]
    [InlineData("finish", 0)]
    public async Task A_server_killed_at_any_step_resumes_and_files_the_case_once(string operation, int passFirst)
    {
        await using var f = await Filing.StartAsync(twoFiles: true);
        f.Fake.Inject(operation, new FakeFailure(FakeFailureKind.AnswerLost), after: passFirst);
        string[] serve = ["--config", f.Config, "--urls", "http://127.0.0.1:" + FreePort()];
        await using (var first = await ServerProcess.StartAsync(f.Db.Path, TimeSpan.FromSeconds(60), CancellationToken.None, serve))
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await f.Fake.WaitForHangAsync(wait.Token);
            await first.KillAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using (var second = await ServerProcess.StartAsync(f.Db.Path, TimeSpan.FromSeconds(60), CancellationToken.None, serve))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (OutboxState(f) != "finished" && clock.Elapsed < TimeSpan.FromSeconds(60))
                await Task.Delay(100);
            Assert.True(OutboxState(f) == "finished", $"not finished within 60 s: {second.LastOutput()}");
        }
        var finished = Assert.Single(f.Fake.Reports, r => r.State == FakeReportState.Finished);
        Assert.Equal(2, finished.Files.Count);
        Assert.Equal(2, finished.Files.Select(file => file.Md5).Distinct().Count());
        Assert.Contains(finished.Files, file => file.Bytes.AsSpan().SequenceEqual(File.ReadAllBytes(f.Photo)));
        Assert.Equal(2, finished.FileDetails.Count);
        Assert.Contains($"reported as {finished.Id}", f.Db.Ok("review", "show", "1").Output);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? OutboxState(Filing f) => f.Json("list").EnumerateArray().Single().GetProperty("state").GetString();

    /// <summary>Puts a failed report back to open, due in an hour, as a worker's back-off leaves it (the test's way to an open report without waiting).</summary>
    private static async Task SetOpenAsync(string database, long reportId)
    {
        await using var store = await SqliteVigilStore.OpenAsync(database);
        var now = DateTimeOffset.UtcNow;
        var claim = await store.Reports.ClaimReportAsync(reportId, now, TimeSpan.FromMinutes(1)) ?? throw new InvalidOperationException("not claimed");
        var saved = await store.Reports.SaveReportAsync(claim, claim.Report with { State = ReportState.Open, NextAttemptAt = now.AddHours(1) }, null, now,
            TimeSpan.FromMinutes(1));
        await store.Reports.ReleaseReportAsync(saved!);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
