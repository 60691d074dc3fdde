using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cli.Commands;
using Vigil.Server;
using Vigil.Storage;
using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;
using Vigil.Storage.Tests;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// Every command that changes the store writes an entry to the same hash-chained audit log as the
/// service's requests, named <c>cli:USER@HOST</c>, with its action, subject and outcome (failures
/// too) and never a key's secret; <c>vigil audit verify</c> checks a chain that mixes both.
/// One subclass per store engine.
/// </summary>
public abstract class CliAuditTests : IAsyncLifetime
{
    private static readonly string ExpectedActor = $"cli:{Environment.UserName}@{Environment.MachineName}";
    private const string PdqA = "a8f8f0cee0f4a84f0e370222038f67f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private const string PdqB = "f8f8f0cee0f4a84f0e370222038f67f0b36e2ed596621e1d33e6b39c4e9c9b23";

    private protected TempDirectory Dir { get; } = new("vigil-cli-audit-");

    /// <summary>The options naming the store (<c>--db FILE</c> or <c>--postgres CONNECTION</c>).</summary>
    protected abstract string[] StoreArgs { get; }

    /// <summary>The same store, opened in the test.</summary>
    protected abstract Task<IVigilStore> OpenStoreAsync();

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Dir.Dispose();
        return Task.CompletedTask;
    }

    private CliResult Run(params string[] args) => CliRunner.Run([.. StoreArgs, .. args]);

    private CliResult Ok(params string[] args)
    {
        var result = Run(args);
        Assert.True(result.ExitCode == 0, $"vigil {string.Join(' ', args)} exited {result.ExitCode}\nstdout: {result.Output}\nstderr: {result.Error}");
        return result;
    }

    private async Task<List<AuditEntry>> ReadAuditAsync()
    {
        await using var store = await OpenStoreAsync();
        var entries = new List<AuditEntry>();
        await foreach (var entry in store.ReadAuditAsync())
            entries.Add(entry);
        return entries;
    }

    private static JsonElement Detail(AuditEntry entry) => JsonDocument.Parse(entry.DetailJson!).RootElement;

    [Fact]
    public async Task Every_mutating_command_is_audited_with_the_os_user_and_host_its_target_and_outcome()
    {
        string list = Dir.File("list.te");
        File.WriteAllText(list, $"pdq {PdqA}\npdq not-a-hash\npdq {PdqB}\n");
        string image = CliSamples.Known("bridge.jpg");

        Ok("bank", "create", "KNOWN", "--label", "ncmec");
        Assert.Equal(1, Run("bank", "create", "KNOWN").ExitCode);
        Assert.Equal(1, Run("bank", "import", "KNOWN", list).ExitCode); // one invalid line
        Ok("bank", "add", "KNOWN", image);
        string secret = Ok("apikey", "create", "--role", "curator", "--name", "ops", "--expires-in", "90d").OutputLines[^1];
        Ok("apikey", "revoke", "ops");
        Assert.Equal(1, Run("apikey", "revoke", "ops").ExitCode);
        Ok("psi", "publish", "--bank", "KNOWN", "--out", Dir.File("pub"), "--threshold", "3");
        Ok("bank", "delete", "KNOWN");
        Assert.Equal(1, Run("bank", "delete", "NOPE").ExitCode);
        // Reading commands write nothing.
        Ok("bank", "list");
        Ok("apikey", "list");
        Ok("audit", "list");

        var entries = await ReadAuditAsync();
        Assert.Null(AuditChain.Verify(entries));
        Assert.All(entries, e => Assert.Equal(ExpectedActor, e.Actor));
        Assert.Equal(
            [("bank.create", "KNOWN", 0), ("bank.create", "KNOWN", 1), ("bank.import", "KNOWN", 1), ("bank.add", "KNOWN", 0),
             ("apikey.create", "ops", 0), ("apikey.revoke", "ops", 0), ("apikey.revoke", "ops", 1), ("psi.publish", "KNOWN", 0),
             ("bank.delete", "KNOWN", 0), ("bank.delete", "NOPE", 1)],
            entries.Select(e => (e.Action, e.Subject, Detail(e).GetProperty("status").GetInt32())));

        var created = Detail(entries[0]).GetProperty("outcome");
        Assert.Equal("ncmec", created.GetProperty("labels")[0].GetString());
        Assert.Contains("already exists", Detail(entries[1]).GetProperty("error").GetString());

        var imported = Detail(entries[2]).GetProperty("outcome");
        Assert.Equal((2, 0, 1, "te", list), (imported.GetProperty("added").GetInt64(), imported.GetProperty("unchanged").GetInt64(),
            imported.GetProperty("invalid_lines").GetInt32(), imported.GetProperty("format").GetString(), imported.GetProperty("file").GetString()));
        var added = Detail(entries[3]).GetProperty("outcome");
        Assert.Equal((1, 1L, 0), (added.GetProperty("files").GetInt32(), added.GetProperty("added").GetInt64(), added.GetProperty("failed").GetInt32()));

        // The key by name and id, with its role and expiry; never the secret, nor its hash.
        await using (var store = await OpenStoreAsync())
        {
            var key = (await store.ListApiKeysAsync()).Single();
            var keyCreated = Detail(entries[4]).GetProperty("outcome");
            Assert.Equal((key.Id, "curator", key.ExpiresAt), (keyCreated.GetProperty("id").GetInt64(), keyCreated.GetProperty("role").GetString(),
                (DateTimeOffset?)keyCreated.GetProperty("expires_at").GetDateTimeOffset()));
            Assert.Equal(key.Id, Detail(entries[5]).GetProperty("outcome").GetProperty("id").GetInt64());
        }
        Assert.Contains("no active API key named 'ops'", Detail(entries[6]).GetProperty("error").GetString());
        Assert.All(entries, e => Assert.DoesNotContain(secret, e.DetailJson + e.Subject));
        Assert.All(entries, e => Assert.DoesNotContain(ApiKeySecrets.Hash(secret), e.DetailJson + e.Subject));

        var published = Detail(entries[7]).GetProperty("outcome");
        Assert.Equal((3, Path.GetFullPath(Dir.File("pub")), 3), (published.GetProperty("threshold").GetInt32(), published.GetProperty("out").GetString(),
            published.GetProperty("entries").GetInt32()));
        Assert.Equal(64, published.GetProperty("pdata_sha256").GetString()!.Length);

        Assert.Equal(3, Detail(entries[8]).GetProperty("outcome").GetProperty("items").GetInt64());
        Assert.Contains("bank 'NOPE' not found", Detail(entries[9]).GetProperty("error").GetString());

        Assert.Equal($"audit log intact: 10 entries, head {entries[^1].Hash}\n", Ok("audit", "verify").Output);
    }

    [Fact]
    public async Task Audit_verify_checks_one_chain_of_cli_and_http_entries_written_at_once()
    {
        Ok("bank", "create", "MIXED");
        string key = Ok("apikey", "create", "--role", "admin", "--name", "http-admin").OutputLines[^1];
        string list = Dir.File("list.te");
        File.WriteAllText(list, string.Concat(Enumerable.Range(0, 40).Select(i => $"pdq {i:x64}\n")));

        await using (var store = await OpenStoreAsync())
        {
            var app = VigilServer.Build(store, new ServerSettings { Urls = "http://127.0.0.1:0", FollowInterval = TimeSpan.FromMilliseconds(200) },
                logging: _ => { });
            await app.StartAsync();
            try
            {
                string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
                // HTTP requests and CLI commands write to the log at the same time, one small batch after another.
                var requests = Task.Run(async () =>
                {
                    for (int i = 0; i < 20; i++)
                        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/c/banks?n={i}")).StatusCode);
                    using var body = new StringContent($$"""{"pdq":"{{PdqA}}"}""", Encoding.UTF8, "application/json");
                    Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/c/bank/MIXED/signal", body)).StatusCode);
                });
                Ok("bank", "import", "MIXED", list, "--batch-size", "5");
                Ok("bank", "create", "SECOND");
                await requests;
            }
            finally
            {
                // Stopping drains the service's audit queue.
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        Ok("apikey", "revoke", "http-admin");

        var entries = await ReadAuditAsync();
        Assert.Null(AuditChain.Verify(entries));
        Assert.Equal(21, entries.Count(e => e.Actor == "http-admin"));
        Assert.Contains(entries, e => e is { Actor: "http-admin", Action: "POST /c/bank/{bank_name}/signal" } && Detail(e).GetProperty("status").GetInt32() == 200);
        Assert.Equal(["bank.create", "apikey.create", "bank.import", "bank.create", "apikey.revoke"],
            entries.Where(e => e.Actor == ExpectedActor).Select(e => e.Action));
        Assert.Equal(26, entries.Count);
        // Commands before the server started, and after it stopped, at the chain's ends; the rest interleaved.
        Assert.Equal([ExpectedActor, ExpectedActor, ExpectedActor], [entries[0].Actor, entries[1].Actor, entries[^1].Actor]);
        Assert.Equal("apikey.revoke", entries[^1].Action);

        var verify = Ok("audit", "verify");
        Assert.Equal($"audit log intact: 26 entries, head {entries[^1].Hash}\n", verify.Output);
        var listed = JsonDocument.Parse(Ok("audit", "list", "--format", "json").Output).RootElement;
        Assert.Equal(new HashSet<string?> { "http-admin", ExpectedActor }, listed.EnumerateArray().Select(e => e.GetProperty("actor").GetString()).ToHashSet());
    }

    [Fact]
    public async Task A_stopped_import_is_audited_as_failed_with_the_batches_it_had_committed()
    {
        await using var store = await OpenStoreAsync();
        await store.CreateBankAsync(new NewBank("PARTIAL"));
        // Seven items in batches of five, then Ctrl-C: the first batch is committed, the rest is not.
        IEnumerable<ImportItem> Items()
        {
            for (int i = 0; i < 7; i++)
                yield return ImportItem.Add(new Vigil.Hashing.Signals.Signal(Vigil.Hashing.Signals.SignalType.Pdq, i.ToString("x64")));
            throw new OperationCanceledException();
        }
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CliAuditor.RunAsync(store, "bank.import", "PARTIAL", async outcome =>
        {
            await store.ImportAsync("PARTIAL", Items(), new ImportOptions { BatchSize = 5 }, new AuditedProgress(outcome, null));
            return 0;
        }));
        var failure = new StoreException("the list went away");
        var thrown = await Assert.ThrowsAsync<StoreException>(() => CliAuditor.RunAsync(store, "bank.import", "PARTIAL", _ => throw failure));
        Assert.Same(failure, thrown);
        Assert.Equal(5, await store.CountContentAsync("PARTIAL"));

        var entries = await ReadAuditAsync();
        Assert.Null(AuditChain.Verify(entries));
        var stopped = Detail(entries[0]);
        Assert.Equal((1, "cancelled"), (stopped.GetProperty("status").GetInt32(), stopped.GetProperty("error").GetString()));
        Assert.Equal((5L, 0L), (stopped.GetProperty("outcome").GetProperty("added").GetInt64(), stopped.GetProperty("outcome").GetProperty("unchanged").GetInt64()));
        Assert.Equal($$"""{"status":1,"error":"the list went away"}""", entries[1].DetailJson);
    }

    [Fact]
    public void The_actor_is_the_os_user_at_the_host_cleaned_and_keys_cannot_take_it()
    {
        Assert.Equal(ExpectedActor, CliAuditor.Actor);
        Assert.Equal("cli:alice@build-01", CliAuditor.ActorFor("alice", "build-01"));
        Assert.Equal("cli:unknown@unknown", CliAuditor.ActorFor("", null));
        Assert.Equal("cli:a?b@h", CliAuditor.ActorFor("a\nb", "h"));
        Assert.Equal(200, CliAuditor.ActorFor(new string('u', 500), "h").Length);

        var taken = Run("apikey", "create", "--role", "admin", "--name", ExpectedActor);
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("may not start with 'cli:'", taken.Error);
        Assert.Contains("may not start with 'vigil:'", Run("apikey", "create", "--role", "admin", "--name", "VIGIL:psi").Error);
    }
}

/// <summary>On a SQLite file.</summary>
public sealed class SqliteCliAuditTests : CliAuditTests
{
    private string DatabasePath => Path.Combine(Dir.Path, "vigil.db");

    protected override string[] StoreArgs => ["--db", DatabasePath];

    protected override async Task<IVigilStore> OpenStoreAsync() => await SqliteVigilStore.OpenAsync(DatabasePath);

    public override Task InitializeAsync() => Task.CompletedTask;
}

/// <summary>On a throwaway PostgreSQL database.</summary>
public sealed class PostgresCliAuditTests : CliAuditTests
{
    private PostgresServer? _server;
    private string? _database;
    private string _connection = "";

    protected override string[] StoreArgs => ["--postgres", _connection];

    protected override async Task<IVigilStore> OpenStoreAsync() => await PostgresVigilStore.OpenAsync(_connection);

    public override async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        _database = await _server.CreateDatabaseAsync();
        _connection = _server.ConnectionString(_database);
    }

    public override async Task DisposeAsync()
    {
        if (_server is not null && _database is not null)
            await _server.DropDatabaseAsync(_database);
        await base.DisposeAsync();
    }
}
