using System.Text.Json;
using Microsoft.Data.Sqlite;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil audit verify|list</c>, including a log tampered with behind Vigil's back.</summary>
public class AuditCommandTests
{
    private static async Task<List<AuditEntry>> AppendAsync(TestDb db, int count)
    {
        var entries = new List<AuditEntry>();
        await using var store = await SqliteVigilStore.OpenAsync(db.Path);
        for (int i = 1; i <= count; i++)
            entries.Add(await store.AppendAuditAsync(i % 2 == 0 ? "alice" : "ci-matcher", "lookup", $"hash-{i}", i % 2 == 0 ? null : $$"""{"matches":{{i}}}"""));
        return entries;
    }

    [Fact]
    public async Task VerifyReportsAnIntactLogWithItsHead()
    {
        using var db = new TestDb();
        Assert.Contains($"audit log intact: 0 entries, head {AuditChain.GenesisHash}", db.Ok("audit", "verify").Output);
        var entries = await AppendAsync(db, 5);
        Assert.Equal($"audit log intact: 5 entries, head {entries[^1].Hash}\n", db.Ok("audit", "verify").Output);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task VerifyWithARecordedHeadFailsWhenEntriesWereCutOffTheEnd()
    {
        using var db = new TestDb();
        var entries = await AppendAsync(db, 6);
        string recorded = entries[3].Hash;
        var later = db.Ok("audit", "verify", "--head", recorded).OutputLines;
        Assert.Equal($"audit log intact: 6 entries, head {entries[^1].Hash}", later[0]);
        Assert.Equal("the recorded head is entry 4; 2 entries since", later[1]);
        Assert.Contains("0 entries since", db.Ok("audit", "verify", "--head", entries[^1].Hash).Output);
        SqliteConnection.ClearAllPools();

        // Cutting the last three entries off leaves a valid chain, without the recorded head.
        using (var connection = new SqliteConnection($"Data Source={db.Path};Pooling=False"))
        {
            connection.Open();
            using var cut = connection.CreateCommand();
            cut.CommandText = "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 3";
            cut.ExecuteNonQuery();
        }
        Assert.Contains("audit log intact: 3 entries", db.Ok("audit", "verify").Output);
        var result = db.Run("audit", "verify", "--head", recorded);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"audit log does not hold the recorded head {recorded}: entries were cut off the end", result.Output);

        var bad = db.Run("audit", "verify", "--head", "xyz");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--head must be 64 lowercase hex digits", bad.Error);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task VerifyNamesTheEntryChangedDirectlyInTheDatabaseFile()
    {
        using var db = new TestDb();
        await AppendAsync(db, 6);
        SqliteConnection.ClearAllPools();

        // Tampering needs deliberate DDL: the trigger refuses a plain UPDATE.
        using (var connection = new SqliteConnection($"Data Source={db.Path};Pooling=False"))
        {
            connection.Open();
            using var blocked = connection.CreateCommand();
            blocked.CommandText = "UPDATE audit_log SET actor = 'mallory' WHERE seq = 4";
            Assert.Contains("append-only", Assert.Throws<SqliteException>(() => blocked.ExecuteNonQuery()).Message);

            using var tamper = connection.CreateCommand();
            tamper.CommandText = "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET subject = 'innocent' WHERE seq = 4";
            tamper.ExecuteNonQuery();
        }

        var result = db.Run("audit", "verify");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("audit log broken at entry 4: ", result.Output);
        Assert.Contains("do not match its hash", result.Output);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ListShowsEntriesAfterASeqUpToALimitAsTextOrJson()
    {
        using var db = new TestDb();
        Assert.Contains("no audit entries", db.Ok("audit", "list").Error);
        var entries = await AppendAsync(db, 5);

        var text = db.Ok("audit", "list", "--after", "1", "--limit", "2").OutputLines;
        Assert.Equal(3, text.Length);
        Assert.StartsWith("SEQ\tAT\tACTOR", text[0]);
        Assert.Matches(@"^2\t\S+ \S+Z\talice\tlookup\thash-2\t-\t[0-9a-f]{64}$", text[1]);
        Assert.StartsWith("3\t", text[2]);

        var json = JsonDocument.Parse(db.Ok("audit", "list", "--after", "3", "--format", "json").Output).RootElement;
        Assert.Equal(2, json.GetArrayLength());
        Assert.Equal(4, json[0].GetProperty("seq").GetInt64());
        Assert.Equal(JsonValueKind.Null, json[0].GetProperty("detail").ValueKind);
        Assert.Equal(5, json[1].GetProperty("detail").GetProperty("matches").GetInt32());
        Assert.Equal(entries[3].Hash, json[1].GetProperty("previous_hash").GetString());
        Assert.Equal(entries[4].Hash, json[1].GetProperty("hash").GetString());
        Assert.Equal(entries[4].At, json[1].GetProperty("at").GetDateTimeOffset());

        Assert.Equal(2, db.Run("audit", "list", "--limit", "0").ExitCode);
        Assert.Equal(2, db.Run("audit", "list", "--format", "xml").ExitCode);
        SqliteConnection.ClearAllPools();
    }
}
