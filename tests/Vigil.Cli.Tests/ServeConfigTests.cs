using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Vigil.Cli.Benchmarks;

namespace Vigil.Cli.Tests;

/// <summary>
/// <c>vigil serve --config FILE</c> and <c>--print-config</c>: every setting from the file, then
/// <c>VIGIL_*</c> variables, then options; secrets masked; unknown keys named; and a port already
/// in use is one error line.
/// </summary>
public class ServeConfigTests
{
    private static JsonElement Printed(CliResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\nstdout: {result.Output}\nstderr: {result.Error}");
        return JsonDocument.Parse(result.Output).RootElement;
    }

    [Fact]
    public void Print_config_without_anything_shows_the_defaults_and_exits_0()
    {
        using var db = new TestDb();
        var config = Printed(CliRunner.RunProcess("--db", db.Path, "serve", "--print-config"));
        Assert.Equal(db.Path, config.GetProperty("store").GetProperty("db").GetString());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("store").GetProperty("postgres").ValueKind);
        var server = config.GetProperty("server");
        Assert.Equal("http://127.0.0.1:5100", server.GetProperty("urls").GetString());
        Assert.Equal(50, server.GetProperty("max_upload_mb").GetInt32());
        Assert.Equal(300, server.GetProperty("video_timeout_seconds").GetInt32());
        Assert.Equal(0, server.GetProperty("allow_hash_url").GetArrayLength());
        Assert.False(config.GetProperty("metrics").GetProperty("enabled").GetBoolean());
        Assert.False(File.Exists(db.Path), "printing the config must not open the store");
    }

    [Fact]
    public void The_file_is_overridden_by_the_environment_and_both_by_options()
    {
        using var db = new TestDb();
        string file = db.WriteFile("serve.json", $$"""
            {
              "store": { "db": {{JsonSerializer.Serialize(Path.Combine(db.Dir, "from-file.db"))}} },
              "server": {
                "urls": "http://127.0.0.1:7001",
                "max_upload_mb": 10,
                "video_timeout_seconds": 100,
                "allow_hash_url": ["https://media.example.org/file/"],
                "psi": "/srv/psi-from-file"
              },
              "metrics": { "enabled": true, "urls": "http://127.0.0.1:9101" }
            }
            """);

        // The file alone.
        var fromFile = Printed(CliRunner.RunProcess("serve", "--config", file, "--print-config"));
        Assert.Equal(Path.Combine(db.Dir, "from-file.db"), fromFile.GetProperty("store").GetProperty("db").GetString());
        var server = fromFile.GetProperty("server");
        Assert.Equal(("http://127.0.0.1:7001", 10, 100, "/srv/psi-from-file"),
            (server.GetProperty("urls").GetString(), server.GetProperty("max_upload_mb").GetInt32(), server.GetProperty("video_timeout_seconds").GetInt32(),
                server.GetProperty("psi").GetString()));
        Assert.Equal("https://media.example.org/file/", Assert.Single(server.GetProperty("allow_hash_url").EnumerateArray()).GetString());
        Assert.True(fromFile.GetProperty("metrics").GetProperty("enabled").GetBoolean());
        Assert.Equal("http://127.0.0.1:9101", fromFile.GetProperty("metrics").GetProperty("urls").GetString());

        // The environment over the file.
        var environment = new Dictionary<string, string>
        {
            ["VIGIL_DB"] = Path.Combine(db.Dir, "from-env.db"),
            ["VIGIL_URLS"] = "http://127.0.0.1:7002",
            ["VIGIL_MAX_UPLOAD_MB"] = "20",
            ["VIGIL_ALLOW_HASH_URL"] = "https://a.example.org/x/, https://b.example.org/",
            ["VIGIL_METRICS"] = "false",
            ["VIGIL_METRICS_URLS"] = "http://127.0.0.1:9102",
        };
        var fromEnvironment = Printed(CliRunner.RunProcess(environment, "serve", "--config", file, "--print-config"));
        server = fromEnvironment.GetProperty("server");
        Assert.Equal(Path.Combine(db.Dir, "from-env.db"), fromEnvironment.GetProperty("store").GetProperty("db").GetString());
        Assert.Equal("http://127.0.0.1:7002", server.GetProperty("urls").GetString());
        Assert.Equal(20, server.GetProperty("max_upload_mb").GetInt32());
        Assert.Equal(100, server.GetProperty("video_timeout_seconds").GetInt32());
        Assert.Equal(["https://a.example.org/x/", "https://b.example.org/"], server.GetProperty("allow_hash_url").EnumerateArray().Select(e => e.GetString()));
        Assert.False(fromEnvironment.GetProperty("metrics").GetProperty("enabled").GetBoolean());
        Assert.Equal("http://127.0.0.1:9102", fromEnvironment.GetProperty("metrics").GetProperty("urls").GetString());

        // Options over both.
        var fromOptions = Printed(CliRunner.RunProcess(environment, "--db", db.Path, "serve", "--config", file, "--urls", "http://127.0.0.1:7003",
            "--video-timeout", "9", "--metrics", "--metrics-urls", "http://127.0.0.1:9103", "--allow-hash-url", "https://c.example.org/", "--print-config"));
        server = fromOptions.GetProperty("server");
        Assert.Equal(db.Path, fromOptions.GetProperty("store").GetProperty("db").GetString());
        Assert.Equal(("http://127.0.0.1:7003", 20, 9), (server.GetProperty("urls").GetString(), server.GetProperty("max_upload_mb").GetInt32(),
            server.GetProperty("video_timeout_seconds").GetInt32()));
        Assert.Equal(["https://c.example.org/"], server.GetProperty("allow_hash_url").EnumerateArray().Select(e => e.GetString()));
        Assert.True(fromOptions.GetProperty("metrics").GetProperty("enabled").GetBoolean());
        Assert.Equal("http://127.0.0.1:9103", fromOptions.GetProperty("metrics").GetProperty("urls").GetString());

        // Review: defaults, then options.
        var review = fromOptions.GetProperty("review");
        Assert.Equal((15, 5.0, 365, 30, false), (review.GetProperty("lease_minutes").GetInt32(), review.GetProperty("daily_cap_hours").GetDouble(),
            review.GetProperty("reported_retention_days").GetInt32(), review.GetProperty("dismissed_retention_days").GetInt32(), review.GetProperty("four_eyes").GetBoolean()));
        // The reviewer UI's sessions: 30 minutes idle, 12 hours at most.
        Assert.Equal((30, 12), (review.GetProperty("session_idle_minutes").GetInt32(), review.GetProperty("session_hours").GetInt32()));
        var reviewOptions = Printed(CliRunner.RunProcess("--db", db.Path, "serve", "--confirmed-bank", "CONFIRMED", "--false-positive-bank", "NOT_ABUSE",
            "--four-eyes", "--print-config")).GetProperty("review");
        Assert.Equal(("CONFIRMED", "NOT_ABUSE", true), (reviewOptions.GetProperty("confirmed_bank").GetString(), reviewOptions.GetProperty("false_positive_bank").GetString(),
            reviewOptions.GetProperty("four_eyes").GetBoolean()));
    }

    [Fact]
    public void The_store_is_chosen_as_a_whole_and_its_password_is_masked()
    {
        using var db = new TestDb();
        const string secret = "s3cr3t-pa55";
        string file = db.WriteFile("serve.json", $$$"""{"store": {"postgres": "Host=db.internal;Database=vigil;Username=vigil;Password={{{secret}}}"}}""");
        var printed = CliRunner.RunProcess("serve", "--config", file, "--print-config");
        var config = Printed(printed);
        Assert.DoesNotContain(secret, printed.Output);
        string postgres = config.GetProperty("store").GetProperty("postgres").GetString()!;
        Assert.Contains("password=***", postgres, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("db.internal", postgres);
        Assert.Equal(JsonValueKind.Null, config.GetProperty("store").GetProperty("db").ValueKind);

        // A SQLite file named by the environment wins over the file's database, as a whole.
        var overridden = Printed(CliRunner.RunProcess(new Dictionary<string, string> { ["VIGIL_DB"] = db.Path }, "serve", "--config", file, "--print-config"));
        Assert.Equal(db.Path, overridden.GetProperty("store").GetProperty("db").GetString());
        Assert.Equal(JsonValueKind.Null, overridden.GetProperty("store").GetProperty("postgres").ValueKind);
    }

    [Theory]
    [InlineData("""{"server": {"urls": "http://127.0.0.1:1", "max_upload": 5}}""", "unknown key 'server.max_upload' (known in server: urls, max_upload_mb")]
    [InlineData("""{"srever": {}}""", "unknown key 'srever' (known at the top: store, server, metrics, audit, review, reporting, actions)")]
    [InlineData("""{"metrics": {"enabled": "yes"}}""", "metrics.enabled has a value of the wrong type")]
    [InlineData("""{"server": {"max_upload_mb": 0}}""", "server.max_upload_mb must be 1..1024, not 0")]
    [InlineData("""{"store": {"db": "a.db", "postgres": "Host=x"}}""", "db and postgres name two different stores")]
    [InlineData("""{"server": {"urls": """, "--config")]
    [InlineData("[1]", "must hold a JSON object")]
    [InlineData("""{"server": {"compat": "hma"}}""", "server.compat must be reference or pytx, not 'hma'")]
    [InlineData("""{"audit": {"checkpoint_interval_seconds": -1, "checkpoints": "c.jsonl"}}""", "audit.checkpoint_interval_seconds must be 0..86400 seconds, not -1")]
    [InlineData("""{"review": {"reported_retention_days": 30}}""", "review: reported_retention_days must be 365..36500")]
    [InlineData("""{"review": {"session_idle_minutes": 0}}""", "review: session_idle_minutes must be 1..1440")]
    [InlineData("""{"review": {"confirmed_bank": "bad name"}}""", "review: confirmed_bank: 'bad name' is not a valid bank name")]
    [InlineData("""{"review": {"confirmed_bank": "SAME", "false_positive_bank": "SAME"}}""", "the confirmed bank and the false-positive bank must differ")]
    [InlineData("""{"reporting": {"environment": "staging"}}""", "reporting: environment must be test or production, not 'staging'")]
    [InlineData("""{"reporting": {"environment": "test"}}""", "reporting: reporter is required")]
    [InlineData("""{"reporting": {"url": "https://report.cybertip.org/ispws/", "reporter": {"company": "X", "reporting_person": {"first_name": "A", "last_name": "B", "email": "a@example.com"}}}}""", "say environment: production")]
    [InlineData("""{"reporting": {"reporter": {"company": "X", "reporting_person": {"first_name": "A"}}}}""", "reporting_person needs first_name, last_name and email")]
    [InlineData("""{"reporting": {"password": "secret"}}""", "unknown key 'reporting.password'")]
    [InlineData("""{"reporting": {"parallelism": 0}}""", "reporting: parallelism must be 1..64")]
    [InlineData("""{"reporting": {"preserve_days": -1}}""", "reporting: preserve_days must be 0..36500")]
    public void A_bad_config_file_is_one_error_naming_the_key(string json, string message)
    {
        using var db = new TestDb();
        string file = db.WriteFile("serve.json", json);
        var result = CliRunner.Run("--db", db.Path, "serve", "--config", file, "--print-config");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: --config {file}: ", line);
        Assert.Contains(message, line);
    }

    [Fact]
    public void A_bad_environment_variable_is_named()
    {
        using var db = new TestDb();
        var result = CliRunner.RunProcess(new Dictionary<string, string> { ["VIGIL_MAX_UPLOAD_MB"] = "lots" }, "--db", db.Path, "serve", "--print-config");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: $VIGIL_MAX_UPLOAD_MB: not a whole number of MiB: 'lots'", result.Error.Trim());
        var range = CliRunner.RunProcess(new Dictionary<string, string> { ["VIGIL_VIDEO_TIMEOUT"] = "0" }, "--db", db.Path, "serve", "--print-config");
        Assert.Equal("error: $VIGIL_VIDEO_TIMEOUT must be 1..86400 seconds, not 0", range.Error.Trim());
    }

    [Fact]
    public async Task Serve_runs_with_the_files_settings()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "SAMPLES");
        string file = db.WriteFile("serve.json", """{"metrics": {"enabled": true}, "server": {"max_upload_mb": 1}}""");
        await using var server = await ServerProcess.StartAsync(db.Path, TimeSpan.FromSeconds(60), CancellationToken.None, "--config", file);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
        var metrics = await http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("vigil_index_hashes", await metrics.Content.ReadAsStringAsync());
    }

    [Fact]
    public void A_port_in_use_is_one_error_line_and_exit_1_without_serving_on()
    {
        using var db = new TestDb();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var result = CliRunner.RunProcess("--db", db.Path, "serve", "--urls", $"http://127.0.0.1:{port}");
        Assert.Equal(1, result.ExitCode);
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([$"error: cannot listen on http://127.0.0.1:{port}: address already in use"], lines.Where(l => !l.StartsWith("warning:")));
        Assert.DoesNotContain("serving", result.Error);
        Assert.DoesNotContain("Exception", result.Output + result.Error);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", result.Output + result.Error);

        // The metrics listener's address too.
        var metrics = CliRunner.RunProcess("--db", db.Path, "serve", "--urls", "http://127.0.0.1:0", "--metrics-urls", $"http://127.0.0.1:{port}");
        Assert.Equal(1, metrics.ExitCode);
        Assert.Contains($"error: cannot listen on http://127.0.0.1:{port}: address already in use", metrics.Error);
        Assert.DoesNotContain("serving", metrics.Error);
    }

    [Fact]
    public async Task Audit_checkpoints_are_set_in_any_layer_and_the_served_log_verifies_against_them()
    {
        using var db = new TestDb();
        string checkpoints = Path.Combine(db.Dir, "cp.jsonl");
        string file = db.WriteFile("serve.json", "{\"audit\": {\"checkpoints\": " + JsonSerializer.Serialize(checkpoints) + ", \"checkpoint_interval_seconds\": 30}}");
        var printed = Printed(CliRunner.RunProcess("--db", db.Path, "serve", "--config", file, "--audit-checkpoint-interval", "0", "--print-config")).GetProperty("audit");
        Assert.Equal(checkpoints, printed.GetProperty("checkpoints").GetString());
        Assert.Equal(0, printed.GetProperty("checkpoint_interval_seconds").GetInt32());
        Assert.Equal("error: audit.key: the signing key is for checkpoints: give the checkpoint file too",
            CliRunner.RunProcess("--db", db.Path, "serve", "--audit-key", "k.key", "--print-config").Error.Trim());
        Assert.Equal(2, CliRunner.RunProcess(new Dictionary<string, string> { ["VIGIL_AUDIT_CHECKPOINT_INTERVAL"] = "soon" }, "--db", db.Path, "serve", "--print-config").ExitCode);

        db.Ok("bank", "create", "SAMPLES");
        string key = db.Ok("apikey", "create", "--role", "curator", "--name", "c").OutputLines[^1];
        await using (var server = await ServerProcess.StartAsync(db.Path, TimeSpan.FromSeconds(60), CancellationToken.None, "--config", file, "--audit-checkpoint-interval", "0"))
        {
            using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            var created = await http.PostAsync("c/banks", new StringContent("""{"name":"MORE"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.True(created.IsSuccessStatusCode);
        }
        string keyFile = Path.Combine(db.Dir, "audit-signing.key");
        Assert.True(File.Exists(keyFile));
        var verified = db.Ok("audit", "verify", "--checkpoints", checkpoints, "--key", keyFile);
        Assert.Contains("checkpoints: all", verified.Output);
    }

    [Fact]
    public void Report_init_config_writes_a_commented_file_that_serve_reads_and_never_overwrites()
    {
        using var db = new TestDb();
        string file = Path.Combine(db.Dir, "reporting.json");
        Assert.Contains($"wrote {file}", db.Ok("report", "init-config", file).Output);
        Assert.Contains("// CyberTipline reporting", File.ReadAllText(file));
        var printed = Printed(CliRunner.RunProcess("--db", db.Path, "serve", "--config", file, "--print-config")).GetProperty("reporting");
        Assert.Equal(("test", "Example Platform, Inc.", "Riley"), (printed.GetProperty("environment").GetString(),
            printed.GetProperty("reporter").GetProperty("company").GetString(),
            printed.GetProperty("reporter").GetProperty("reporting_person").GetProperty("first_name").GetString()));
        var again = db.Run("report", "init-config", file);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("never overwrites", again.Error);
    }
}
