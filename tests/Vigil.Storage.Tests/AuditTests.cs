using Microsoft.Data.Sqlite;
using Npgsql;
using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Tests;

/// <summary>The audit log through <see cref="IVigilStore"/>, on both backends.</summary>
public abstract class AuditTests(IStoreBackend backend) : StoreContractTests(backend)
{
    [Fact]
    public async Task AppendedEntriesReadBackExactlyAndFormOneValidChain()
    {
        await using var test = await CreateStoreAsync();
        Assert.Empty(await ReadAllAsync(test.Store));

        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var first = await test.Store.AppendAuditAsync("alice", "bank.create", "CSAM_HASHES", null);
        var second = await test.Store.AppendAuditAsync("ci-matcher", "lookup", "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22",
            """{"matches":[{"bank":"CSAM_HASHES","content_id":1,"distance":0}]}""");
        var third = await test.Store.AppendAuditAsync("bob", "content.remove", "", "{}");

        Assert.Equal((1L, AuditChain.GenesisHash), (first.Seq, first.PreviousHash));
        Assert.Equal((2L, first.Hash), (second.Seq, second.PreviousHash));
        Assert.Equal((3L, second.Hash), (third.Seq, third.PreviousHash));
        Assert.InRange(first.At, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.True(second.At >= first.At && third.At >= second.At);
        Assert.All(new[] { first, second, third }, e => Assert.Matches("^[0-9a-f]{64}$", e.Hash));

        var all = await ReadAllAsync(test.Store);
        Assert.Equal([first, second, third], all);
        Assert.Null(AuditChain.Verify(all));
        Assert.Equal([third], await ReadAllAsync(test.Store, afterSeq: 2));

        var check = await AuditChain.CheckAsync(test.Store.ReadAuditAsync());
        Assert.Equal((3L, third.Hash, true), (check.Count, check.HeadHash, check.IsIntact));
    }

    [Fact]
    public async Task InvalidFieldsAreRejectedAndNothingIsWritten()
    {
        await using var test = await CreateStoreAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.AppendAuditAsync("", "lookup", "x", null));
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.AppendAuditAsync("alice", "", "x", null));
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.AppendAuditAsync("alice", "lookup", "x", "{not json"));
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.AppendAuditAsync("alice\ud800", "lookup", "x", null));
        Assert.Empty(await ReadAllAsync(test.Store));
    }

    [Fact]
    public async Task ABatchAppendsInOrderOnOneChainAndABadRecordWritesNoneOfIt()
    {
        await using var test = await CreateStoreAsync();
        var first = await test.Store.AppendAuditAsync("alice", "bank.create", "KNOWN", null);
        var records = Enumerable.Range(0, 1_500)
            .Select(i => new AuditRecord($"key-{i % 3}", "GET /m/lookup", $"/m/lookup?n={i}", i % 2 == 0 ? null : $$"""{"status":200,"n":{{i}}}"""))
            .ToArray();
        var batch = await test.Store.AppendAuditAsync(records);
        Assert.Equal(records.Length, batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            Assert.Equal((first.Seq + 1 + i, records[i].Actor, records[i].Subject, records[i].DetailJson),
                (batch[i].Seq, batch[i].Actor, batch[i].Subject, batch[i].DetailJson));
            Assert.Equal(i == 0 ? first.Hash : batch[i - 1].Hash, batch[i].PreviousHash);
        }
        Assert.Empty(await test.Store.AppendAuditAsync([]));

        // One invalid record anywhere in a batch: nothing of it is written.
        var bad = records[..10].Append(new AuditRecord("bob", "lookup", "x", "{not json")).ToArray();
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.AppendAuditAsync(bad));
        var all = await ReadAllAsync(test.Store);
        Assert.Equal(1 + records.Length, all.Count);
        Assert.Equal(batch[^1], all[^1]);
        Assert.Null(AuditChain.Verify(all));
    }

    [Fact]
    public async Task ConcurrentAppendersInTwoStoresKeepOneValidChain()
    {
        await using var test = await CreateStoreAsync();
        await using var second = await OpenSecondAsync(test);
        const int perWriter = 40;
        await Task.WhenAll(
            Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var store = w % 2 == 0 ? test.Store : second;
                for (int i = 0; i < perWriter; i++)
                    await store.AppendAuditAsync($"writer-{w}", "lookup", i.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
            })));

        var all = await ReadAllAsync(second);
        Assert.Equal(4 * perWriter, all.Count);
        Assert.Equal(Enumerable.Range(1, 4 * perWriter).Select(i => (long)i), all.Select(e => e.Seq));
        Assert.Null(AuditChain.Verify(all));
        for (int w = 0; w < 4; w++)
            Assert.Equal(perWriter, all.Count(e => e.Actor == $"writer-{w}"));
    }

    [Fact]
    public async Task TheDatabaseRejectsUpdatesAndDeletesOfEntries()
    {
        await using var test = await CreateStoreAsync();
        var entry = await test.Store.AppendAuditAsync("alice", "bank.delete", "OLD", null);

        foreach (var sql in new[]
        {
            "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1",
            "DELETE FROM audit_log WHERE seq = 1",
            "DELETE FROM audit_log",
        })
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => ExecuteRawAsync(test, sql));
            Assert.True(error is SqliteException or PostgresException, error.ToString());
            Assert.Contains("append-only", error.Message);
        }
        if (test.ConnectionString is not null)
        {
            var truncate = await Assert.ThrowsAsync<PostgresException>(() => ExecuteRawAsync(test, "TRUNCATE audit_log"));
            Assert.Contains("append-only", truncate.Message);
        }
        Assert.Equal([entry], await ReadAllAsync(test.Store));
    }

    private async Task<IVigilStore> OpenSecondAsync(TestStore test) => test.ConnectionString is { } connectionString
        ? await PostgresVigilStore.OpenAsync(connectionString)
        : await SqliteVigilStore.OpenAsync(test.Path!);

    internal static async Task<List<AuditEntry>> ReadAllAsync(IVigilStore store, long afterSeq = 0)
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in store.ReadAuditAsync(afterSeq))
            entries.Add(entry);
        return entries;
    }

    private static async Task ExecuteRawAsync(TestStore test, string sql)
    {
        if (test.ConnectionString is { } connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
            return;
        }
        using var sqlite = await test.Sqlite.OpenConnectionAsync(CancellationToken.None);
        using var raw = sqlite.CreateCommand();
        raw.CommandText = sql;
        raw.ExecuteNonQuery();
    }
}

public sealed class SqliteAuditTests() : AuditTests(SqliteBackend.Instance);

public sealed class PostgresAuditTests(PostgresDatabase database) : AuditTests(database), IClassFixture<PostgresDatabase>;
