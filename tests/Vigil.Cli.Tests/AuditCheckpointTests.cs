using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Server;
using Vigil.Server.Audit;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Tests;

/// <summary>
/// The chain alone cannot stop someone with write access to the database who edits an entry and
/// recomputes every later hash; the service's signed checkpoints, kept outside the database, can.
/// </summary>
public class AuditCheckpointTests
{
    [Fact]
    public async Task A_recomputed_chain_passes_alone_and_fails_against_the_signed_checkpoints()
    {
        using var db = new TestDb();
        string checkpoints = db.Dir + "/audit-checkpoints.jsonl", keyFile = db.Dir + "/audit-signing.key";
        await RunServerAsync(db.Path, new AuditCheckpointSettings(checkpoints, keyFile) { Interval = TimeSpan.Zero }, requests: 12);

        string[] lines = File.ReadAllLines(checkpoints);
        Assert.NotEmpty(lines);
        Assert.Equal(Convert.ToHexStringLower(Vigil.Privacy.Crypto.Ed25519.PublicKey(File.ReadAllBytes(keyFile))),
            AuditCheckpoint.Parse(lines[0], out _)!.Key);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        var intact = db.Ok("audit", "verify", "--checkpoints", checkpoints, "--key", keyFile);
        Assert.Matches(@"checkpoints: all \d+ agree; the latest, signed at .*, covers entries 1 to 1[2-9]", intact.Output);
        Assert.Equal("", intact.Error);

        // The attack: drop the trigger, edit entry 5, recompute every hash after it.
        await RewriteAsync(db.Path, seq: 5);
        Assert.Contains("audit log intact", db.Ok("audit", "verify").Output);
        var caught = db.Run("audit", "verify", "--checkpoints", checkpoints, "--key", keyFile);
        Assert.Equal(1, caught.ExitCode);
        Assert.Matches(@"audit log does not match its checkpoints: entry \d+ has hash [0-9a-f]{64}, but the checkpoint signed at .* says [0-9a-f]{64}: the log was rewritten at or before entry \d+", caught.Output);
    }

    [Fact]
    public async Task Cut_entries_and_a_re_signed_checkpoint_file_are_caught_by_the_pinned_key()
    {
        using var db = new TestDb();
        string checkpoints = db.Dir + "/cp.jsonl", keyFile = db.Dir + "/k.key";
        await RunServerAsync(db.Path, new AuditCheckpointSettings(checkpoints, keyFile) { Interval = TimeSpan.Zero }, requests: 6);
        string publicHex = AuditCheckpoint.Parse(File.ReadLines(checkpoints).First(), out _)!.Key;

        // Unpinned: the file is checked against the key it names, with a warning.
        var unpinned = db.Ok("audit", "verify", "--checkpoints", checkpoints);
        Assert.Contains($"warning: the checkpoints were checked against the key they name ({publicHex})", unpinned.Error);

        // An attacker who rewrote the log re-signs the checkpoints with a key of their own: consistent alone, refused by the pinned key.
        string forgedKey = db.Dir + "/forged.key";
        var forger = await AuditSigningKey.LoadOrCreateAsync(forgedKey);
        await using (var store = await SqliteVigilStore.OpenAsync(db.Path))
        {
            var last = await store.ReadAuditAsync().LastAsync();
            File.WriteAllText(db.Dir + "/forged.jsonl", AuditCheckpoint.Sign(last, forger, DateTimeOffset.UtcNow).ToJsonLine() + "\n");
        }
        SqliteConnection.ClearAllPools();
        db.Ok("audit", "verify", "--checkpoints", db.Dir + "/forged.jsonl");
        var refused = db.Run("audit", "verify", "--checkpoints", db.Dir + "/forged.jsonl", "--key", publicHex);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("is not signed by the pinned key", refused.Output);

        // Entries cut off the end keep a valid chain but lose the checkpointed head.
        using (var connection = new SqliteConnection($"Data Source={db.Path};Pooling=False"))
        {
            connection.Open();
            using var cut = connection.CreateCommand();
            cut.CommandText = "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 2";
            cut.ExecuteNonQuery();
        }
        var short_ = db.Run("audit", "verify", "--checkpoints", checkpoints, "--key", publicHex);
        Assert.Equal(1, short_.ExitCode);
        Assert.Contains("the log ends at entry 2, but a checkpoint signed at", short_.Output);
        Assert.Contains("entries were cut off the end", short_.Output);

        Assert.Equal(2, db.Run("audit", "verify", "--checkpoints", checkpoints, "--key", "not-a-key").ExitCode);
        Assert.Equal(2, db.Run("audit", "verify", "--key", publicHex).ExitCode);
    }

    private static async Task RunServerAsync(string databasePath, AuditCheckpointSettings checkpoints, int requests)
    {
        await using (var store = await SqliteVigilStore.OpenAsync(databasePath))
        {
            string secret = ApiKeySecrets.Generate();
            await store.CreateApiKeyAsync("ops", ApiKeyRole.Admin, ApiKeySecrets.Hash(secret));
            var app = VigilServer.Build(store, new ServerSettings { Urls = "http://127.0.0.1:0", AuditCheckpoints = checkpoints });
            await app.StartAsync();
            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using (var http = new HttpClient { BaseAddress = new Uri(address) })
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
                for (int i = 0; i < requests; i++)
                    (await http.PostAsync("/c/banks", new StringContent($$"""{"name":"BANK_{{i}}"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            }
            await app.StopAsync();
            await app.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
    }

    private static async Task RewriteAsync(string databasePath, long seq)
    {
        var entries = new List<AuditEntry>();
        await using (var store = await SqliteVigilStore.OpenAsync(databasePath))
        {
            await foreach (var entry in store.ReadAuditAsync())
                entries.Add(entry);
        }
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using (var drop = connection.CreateCommand())
        {
            drop.CommandText = "DROP TRIGGER audit_log_no_update";
            drop.ExecuteNonQuery();
        }
        string previous = entries[(int)seq - 2].Hash;
        for (int i = (int)seq - 1; i < entries.Count; i++)
        {
            var edited = entries[i] with { PreviousHash = previous, Subject = i == seq - 1 ? "/c/banks?innocent" : entries[i].Subject };
            edited = edited with { Hash = AuditChain.ComputeHash(edited) };
            previous = edited.Hash;
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE audit_log SET subject = $s, previous_hash = $p, hash = $h WHERE seq = $q";
            update.Parameters.AddWithValue("$s", edited.Subject);
            update.Parameters.AddWithValue("$p", edited.PreviousHash);
            update.Parameters.AddWithValue("$h", edited.Hash);
            update.Parameters.AddWithValue("$q", edited.Seq);
            update.ExecuteNonQuery();
        }
    }
}
