using Npgsql;
using Vigil.Storage.Postgres;

namespace Vigil.Storage.Tests;

/// <summary>What only the PostgreSQL store has: several processes' stores on one database, and its migrations.</summary>
public class PostgresStoreTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task TwoStoresImportingIntoOneDatabaseAtOnceNeitherFailNorDuplicate()
    {
        await using var test = await database.CreateStoreAsync();
        await using var second = await PostgresVigilStore.OpenAsync(test.ConnectionString!);
        await test.Store.CreateBankAsync(new NewBank("SHARED"));
        await test.Store.CreateBankAsync(new NewBank("SEPARATE"));
        const int count = 6_000;
        var shared = Enumerable.Range(0, count).Select(i => ImportItem.Add(Signals.Pdq(i))).ToList();
        var options = new ImportOptions { BatchSize = 250 };

        var results = await Task.WhenAll(
            Task.Run(() => test.Store.ImportAsync("SHARED", shared, options)),
            Task.Run(() => second.ImportAsync("SHARED", shared, options)),
            Task.Run(() => test.Store.ImportAsync("SEPARATE", Enumerable.Range(0, count).Where(i => i % 2 == 0).Select(i => ImportItem.Add(Signals.Md5(i))), options)),
            Task.Run(() => second.ImportAsync("SEPARATE", Enumerable.Range(0, count).Where(i => i % 2 == 1).Select(i => ImportItem.Add(Signals.Md5(i))), options)),
            Task.Run(async () =>
            {
                for (int i = 0; i < 20; i++)
                    await second.AddContentAsync("SHARED", new NewContent([Signals.Sha256(i)]));
                return new ImportSummary(0, 0, 0, 0);
            }));

        Assert.Equal(count, results[0].Added + results[1].Added);
        Assert.Equal(count, results[0].Unchanged + results[1].Unchanged);
        Assert.Equal(count + 20, await test.Store.CountContentAsync("SHARED"));
        Assert.Equal(count, await second.CountContentAsync("SEPARATE"));
        for (int i = 0; i < count; i += 97)
            Assert.Single(await test.Store.LookupSignalAsync(Signals.Pdq(i)));

        // Every signal is logged once; the numbers may have gaps (the log is gap-tolerant), not repeats.
        var changes = new List<SignalChange>();
        long after = 0;
        for (IReadOnlyList<SignalChange> page; (page = await test.Store.ReadChangesAsync(after, 5_000)).Count > 0; after = page[^1].Seq)
            changes.AddRange(page);
        Assert.Equal(2 * count + 20, changes.Count);
        Assert.Equal(changes.Count, changes.Select(c => (c.BankId, c.Signal)).Distinct().Count());
        Assert.Equal(changes[^1].Seq, await test.Store.GetLatestChangeSeqAsync());
    }

    [Fact]
    public async Task OpeningRecordsTheSchemaVersionOnceAndReopeningChangesNothing()
    {
        string connectionString = await database.CreateSchemaAsync();
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresVigilStore.OpenAsync(connectionString))));
        await stores[0].CreateBankAsync(new NewBank("KEPT"));
        foreach (var store in stores)
            await store.DisposeAsync();

        await using var reopened = await PostgresVigilStore.OpenAsync(connectionString);
        Assert.NotNull(await reopened.GetBankAsync("KEPT"));
        await using var connection = await reopened.OpenConnectionAsync(CancellationToken.None);
        Assert.Equal((long)PostgresMigrations.All.Count, await ScalarAsync(connection, "SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal((long)PostgresMigrations.All.Count, await ScalarAsync(connection, "SELECT MAX(version)::bigint FROM schema_migrations"));
        Assert.StartsWith("postgresql://postgres@127.0.0.1:", reopened.Location);
    }

    [Fact]
    public async Task AMigrationAppliesToAnOlderSchemaAndABrokenOneLeavesNothingBehind()
    {
        string connectionString = await database.CreateSchemaAsync();
        await (await PostgresVigilStore.OpenAsync(connectionString, [PostgresMigrations.All[0]], CancellationToken.None)).DisposeAsync();

        var broken = new PostgresMigration(PostgresMigrations.All.Count + 1, "test: broken", "CREATE TABLE half_done (x integer); SELECT * FROM no_such_table;");
        await Assert.ThrowsAsync<StoreException>(() => PostgresVigilStore.OpenAsync(connectionString, [.. PostgresMigrations.All, broken], CancellationToken.None));

        var next = new PostgresMigration(PostgresMigrations.All.Count + 1, "test: bank notes", "ALTER TABLE banks ADD COLUMN test_note text NOT NULL DEFAULT 'migrated'");
        await using var store = await PostgresVigilStore.OpenAsync(connectionString, [.. PostgresMigrations.All, next], CancellationToken.None);
        await store.CreateBankAsync(new NewBank("AFTER"));
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        Assert.Equal(false, await ScalarAsync(connection, "SELECT to_regclass('half_done') IS NOT NULL"));
        Assert.Equal("migrated", await ScalarAsync(connection, "SELECT test_note FROM banks"));
        Assert.Equal(PostgresMigrations.All.Count + 1L, await ScalarAsync(connection, "SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(true, await ScalarAsync(connection, "SELECT to_regclass('api_keys') IS NOT NULL"));
    }

    [Fact]
    public async Task ASchemaFromANewerVigilOrAnotherProgramIsRefused()
    {
        string newer = await database.CreateSchemaAsync();
        var future = new PostgresMigration(PostgresMigrations.All.Count + 1, "test: from the future", "SELECT 1");
        await (await PostgresVigilStore.OpenAsync(newer, [.. PostgresMigrations.All, future], CancellationToken.None)).DisposeAsync();
        var error = await Assert.ThrowsAsync<StoreException>(() => PostgresVigilStore.OpenAsync(newer));
        Assert.Contains("newer", error.Message);

        string foreign = await database.CreateSchemaAsync();
        await using (var connection = new NpgsqlConnection(foreign))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE TABLE someone_elses (x integer)", connection);
            await command.ExecuteNonQueryAsync();
        }
        error = await Assert.ThrowsAsync<StoreException>(() => PostgresVigilStore.OpenAsync(foreign));
        Assert.Contains("not a Vigil one", error.Message);
    }

    [Fact]
    public async Task AServerThatIsNotThereIsAClearError()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() =>
            PostgresVigilStore.OpenAsync("Host=127.0.0.1;Port=1;Username=nobody;Database=nothing;Timeout=5"));
        Assert.Contains("postgresql://nobody@127.0.0.1:1/nothing", error.Message);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
