using Npgsql;
using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Tests;

/// <summary>
/// <see cref="IVigilStore.IndexSnapshots"/>: a snapshot is stored and read back whole (streamed: on
/// PostgreSQL across several 8 MB rows), never replaced by an older one, untouched by a failed save;
/// and <see cref="IVigilStore.ReadPdqSignalsAsync"/> names exactly the change its signals reflect.
/// </summary>
public abstract class IndexSnapshotTests(IStoreBackend backend) : StoreContractTests(backend)
{
    // Three chunk rows on PostgreSQL (8 MB each), the last one partial.
    private const int BigSnapshot = (20 << 20) + 12_345;

    [Fact]
    public async Task ASnapshotIsStoredAndReadBackWholeAndOnlyANewerOneReplacesIt()
    {
        await using var test = await CreateStoreAsync();
        var snapshots = test.Store.IndexSnapshots;
        Assert.Null(await snapshots.GetSeqAsync());
        Assert.False(await snapshots.TryLoadAsync(_ => Assert.Fail("there is no snapshot yet")));

        byte[] first = Bytes(BigSnapshot, seed: 1);
        Assert.True(await snapshots.TrySaveAsync(10, stream => WriteInPieces(stream, first)));
        Assert.Equal(10, await snapshots.GetSeqAsync());
        Assert.Equal(first, await LoadAsync(snapshots));

        // An older or equal snapshot is refused before a byte of it is written.
        Assert.False(await snapshots.TrySaveAsync(9, _ => throw new InvalidOperationException("an older snapshot was written")));
        Assert.False(await snapshots.TrySaveAsync(10, _ => throw new InvalidOperationException("an equal snapshot was written")));
        Assert.Equal(first, await LoadAsync(snapshots));

        byte[] second = Bytes(1_000, seed: 2);
        Assert.True(await snapshots.TrySaveAsync(11, stream => stream.Write(second)));
        Assert.Equal(11, await snapshots.GetSeqAsync());
        Assert.Equal(second, await LoadAsync(snapshots));

        await snapshots.DeleteAsync();
        Assert.Null(await snapshots.GetSeqAsync());
        Assert.False(await snapshots.TryLoadAsync(_ => Assert.Fail("the snapshot was deleted")));
    }

    [Fact]
    public async Task AFailedSaveLeavesTheStoredSnapshotAsItWas()
    {
        await using var test = await CreateStoreAsync();
        var snapshots = test.Store.IndexSnapshots;
        byte[] kept = Bytes(100_000, seed: 3);
        Assert.True(await snapshots.TrySaveAsync(5, stream => stream.Write(kept)));

        await Assert.ThrowsAsync<IOException>(() => snapshots.TrySaveAsync(6, stream =>
        {
            WriteInPieces(stream, Bytes(BigSnapshot, seed: 4).AsSpan(0, 9 << 20).ToArray());
            throw new IOException("disk full");
        }));

        Assert.Equal(5, await snapshots.GetSeqAsync());
        Assert.Equal(kept, await LoadAsync(snapshots));
    }

    [Fact]
    public async Task ReadingTheSignalsNamesTheChangeTheyReflectEvenWhileAWriterAddsMore()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("GROWING"));
        Assert.Equal(0, await test.Store.ReadPdqSignalsAsync(_ => Assert.Fail("there are no signals yet")));

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            int added = 0;
            for (; !stop.IsCancellationRequested; added += 50)
            {
                await test.Store.ImportAsync("GROWING", Enumerable.Range(added, 50).Select(i => ImportItem.Add(Signals.Pdq(i))).ToList(),
                    new ImportOptions { BatchSize = 10 });
            }
            return added;
        });
        try
        {
            for (int read = 0; read < 15; read++)
            {
                var entries = new List<PdqFeedEntry>();
                long seq = await test.Store.ReadPdqSignalsAsync(entries.Add);
                // Only additions, one change each: the signals read are exactly the changes up to seq.
                var changes = new List<SignalChange>();
                long after = 0;
                for (IReadOnlyList<SignalChange> page; (page = await test.Store.ReadChangesAsync(after, 10_000)).Count > 0; after = page[^1].Seq)
                    changes.AddRange(page.Where(c => c.Seq <= seq));
                Assert.Equal(seq, changes.Count == 0 ? 0 : changes[^1].Seq);
                Assert.Equal(changes.Count, entries.Count);
                Assert.Equal(changes.Select(c => c.ContentId).Order(), entries.Select(e => e.ContentId).Order());
                await Task.Delay(20);
            }
        }
        finally
        {
            stop.Cancel();
        }
        Assert.True(await writer > 0);
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes in uneven pieces, as an index's arrays are written.</summary>
    private static void WriteInPieces(Stream stream, byte[] bytes)
    {
        var random = new Random(bytes.Length);
        for (int at = 0; at < bytes.Length;)
        {
            int piece = Math.Min(bytes.Length - at, random.Next(1, 3 << 20));
            stream.Write(bytes, at, piece);
            at += piece;
        }
    }

    /// <summary>Reads the stored snapshot in uneven pieces.</summary>
    protected static async Task<byte[]> LoadAsync(IIndexSnapshotStore snapshots)
    {
        byte[]? bytes = null;
        Assert.True(await snapshots.TryLoadAsync(stream =>
        {
            var copy = new MemoryStream();
            var buffer = new byte[70_001];
            for (int n; (n = stream.Read(buffer, 0, buffer.Length)) > 0;)
                copy.Write(buffer, 0, n);
            bytes = copy.ToArray();
        }));
        return bytes!;
    }
}

public sealed class SqliteIndexSnapshotTests() : IndexSnapshotTests(SqliteBackend.Instance)
{
    [Fact]
    public async Task TheSnapshotIsAFileNextToTheDatabaseWhoseNumberTheDatabaseRecords()
    {
        await using var test = await CreateStoreAsync();
        var snapshots = test.Store.IndexSnapshots;
        Assert.Equal(test.Path + ".pdq-index", snapshots.Location);
        Assert.True(await snapshots.TrySaveAsync(7, stream => stream.Write([1, 2, 3])));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(snapshots.Location));
        using (var connection = await test.Sqlite.OpenConnectionAsync(CancellationToken.None))
            Assert.Equal(7L, SchemaTests.Scalar(connection, "SELECT seq FROM index_snapshots"));
        // No temporary files are left behind, whatever happened.
        await Assert.ThrowsAsync<IOException>(() => snapshots.TrySaveAsync(8, _ => throw new IOException("disk full")));
        Assert.Equal([Path.GetFileName(test.Path!), Path.GetFileName(snapshots.Location)],
            Directory.GetFiles(Path.GetDirectoryName(test.Path)!).Select(Path.GetFileName).Where(f => !f!.EndsWith("-wal") && !f.EndsWith("-shm")).Order());

        // A file without a recorded number (an older Vigil wrote it) still loads; its number is unknown.
        using (var connection = await test.Sqlite.OpenConnectionAsync(CancellationToken.None))
            SchemaTests.Scalar(connection, "DELETE FROM index_snapshots");
        Assert.Null(await snapshots.GetSeqAsync());
        Assert.Equal([1, 2, 3], await LoadAsync(snapshots));
    }
}

public sealed class PostgresIndexSnapshotTests(PostgresDatabase database) : IndexSnapshotTests(database), IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task OnlyTheLatestSnapshotIsKeptInRowsOfAtMostEightMegabytes()
    {
        await using var test = await CreateStoreAsync();
        var snapshots = test.Store.IndexSnapshots;
        Assert.Contains("index_snapshots", snapshots.Location);
        Assert.True(await snapshots.TrySaveAsync(1, stream => stream.Write(new byte[(17 << 20) + 1])));
        Assert.True(await snapshots.TrySaveAsync(2, stream => stream.Write(new byte[(16 << 20) + 1])));
        await using var connection = new NpgsqlConnection(test.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT COUNT(*) FROM index_snapshots"));
        Assert.Equal((16L << 20) + 1, await ScalarAsync(connection, "SELECT size_bytes FROM index_snapshots WHERE seq = 2"));
        Assert.Equal(3L, await ScalarAsync(connection, "SELECT COUNT(*) FROM index_snapshot_chunks"));
        Assert.Equal(8 << 20, await ScalarAsync(connection, "SELECT MAX(length(bytes)) FROM index_snapshot_chunks"));
    }

    [Fact]
    public async Task WhileAnotherReplicaSavesOneThisOneSkips()
    {
        await using var test = await CreateStoreAsync();
        var snapshots = test.Store.IndexSnapshots;
        await using (var other = new NpgsqlConnection(test.ConnectionString))
        {
            await other.OpenAsync();
            Assert.Equal(true, await ScalarAsync(other, $"SELECT pg_try_advisory_lock({PostgresMigrations.SnapshotLockKey})"));
            Assert.False(await snapshots.TrySaveAsync(3, _ => throw new InvalidOperationException("written while another replica saves")));
            await ScalarAsync(other, $"SELECT pg_advisory_unlock({PostgresMigrations.SnapshotLockKey})");
        }
        Assert.True(await snapshots.TrySaveAsync(3, stream => stream.Write([4, 5, 6])));
        Assert.Equal([4, 5, 6], await LoadAsync(snapshots));
    }

    [Fact]
    public async Task AMissingOrShortChunkIsReportedAsDamage()
    {
        await using var test = await CreateStoreAsync();
        var snapshots = test.Store.IndexSnapshots;
        Assert.True(await snapshots.TrySaveAsync(4, stream => stream.Write(new byte[(20 << 20) + 3])));
        await using var connection = new NpgsqlConnection(test.ConnectionString);
        await connection.OpenAsync();

        await ScalarAsync(connection, "UPDATE index_snapshot_chunks SET bytes = substring(bytes FROM 1 FOR 100) WHERE n = 2");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => LoadAsync(snapshots));
        Assert.Contains("truncated", error.Message);

        await ScalarAsync(connection, "DELETE FROM index_snapshot_chunks WHERE n = 1");
        error = await Assert.ThrowsAsync<InvalidDataException>(() => LoadAsync(snapshots));
        Assert.Contains("chunk 1 is missing", error.Message);
    }

    [Fact]
    public async Task TheChangeLogTriggersTakeTheOrderingLock()
    {
        await using var test = await CreateStoreAsync();
        await using var connection = new NpgsqlConnection(test.ConnectionString);
        await connection.OpenAsync();
        foreach (string function in new[] { "content_signals_log_add", "content_signals_log_remove" })
        {
            string source = (string)(await ScalarAsync(connection, $"SELECT prosrc FROM pg_proc WHERE proname = '{function}' AND pronamespace = current_schema()::regnamespace"))!;
            Assert.Contains($"pg_advisory_xact_lock({PostgresMigrations.ChangeLogLockKey})", source);
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
