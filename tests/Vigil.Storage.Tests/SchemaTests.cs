using Microsoft.Data.Sqlite;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Storage.Tests;

public class SchemaTests
{
    [Fact]
    public async Task OpeningAnEmptyFileCreatesTheWholeSchemaInWalModeWithForeignKeys()
    {
        await using var test = await TestStore.CreateAsync();

        using var connection = await test.Sqlite.OpenConnectionAsync(CancellationToken.None);
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar(connection, "PRAGMA foreign_keys"));
        Assert.Equal((long)SqliteVigilStore.BusyTimeout.TotalMilliseconds, Scalar(connection, "PRAGMA busy_timeout"));
        Assert.Equal((long)SqliteMigrations.All.Count, Scalar(connection, "SELECT MAX(version) FROM schema_migrations"));
        foreach (var table in new[] { "banks", "bank_content", "content_signals", "changes", "api_keys", "audit_log" })
            Assert.Equal(1L, Scalar(connection, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
    }

    [Fact]
    public async Task ReopeningAnExistingDatabaseKeepsItsDataAndDoesNotMigrateAgain()
    {
        using var directory = new TempDirectory();
        string path = directory.File("vigil.db");
        long appliedAt;
        await using (var first = await SqliteVigilStore.OpenAsync(path))
        {
            await first.CreateBankAsync(new NewBank("KEPT"));
            using var connection = await first.OpenConnectionAsync(CancellationToken.None);
            appliedAt = (long)Scalar(connection, "SELECT applied_at FROM schema_migrations WHERE version = 1")!;
        }

        await using var second = await SqliteVigilStore.OpenAsync(path);
        Assert.NotNull(await second.GetBankAsync("KEPT"));
        using var again = await second.OpenConnectionAsync(CancellationToken.None);
        Assert.Equal((long)SqliteMigrations.All.Count, Scalar(again, "SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(appliedAt, Scalar(again, "SELECT applied_at FROM schema_migrations WHERE version = 1"));
    }

    [Fact]
    public async Task AnOlderDatabaseIsMigratedForwardKeepingItsData()
    {
        using var directory = new TempDirectory();
        string path = directory.File("vigil.db");
        await using (var old = await SqliteVigilStore.OpenAsync(path, [SqliteMigrations.All[0]], CancellationToken.None))
            await old.CreateBankAsync(new NewBank("OLD_BANK"));

        int nextVersion = SqliteMigrations.All.Count + 1;
        var next = new SqliteMigration(nextVersion, "test: bank notes", "ALTER TABLE banks ADD COLUMN test_note TEXT NOT NULL DEFAULT 'migrated'");
        await using var store = await SqliteVigilStore.OpenAsync(path, [.. SqliteMigrations.All, next], CancellationToken.None);

        using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        Assert.Equal((long)nextVersion, Scalar(connection, "SELECT MAX(version) FROM schema_migrations"));
        Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'api_keys'"));
        Assert.Equal("migrated", Scalar(connection, "SELECT test_note FROM banks WHERE name = 'OLD_BANK'"));
    }

    [Fact]
    public async Task AFailingMigrationLeavesTheDatabaseAtItsOldVersion()
    {
        using var directory = new TempDirectory();
        string path = directory.File("vigil.db");
        await using (var old = await SqliteVigilStore.OpenAsync(path))
            await old.CreateBankAsync(new NewBank("SAFE"));

        var broken = new SqliteMigration(SqliteMigrations.All.Count + 1, "test: broken", "CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;");
        await Assert.ThrowsAsync<StoreException>(() => SqliteVigilStore.OpenAsync(path, [.. SqliteMigrations.All, broken], CancellationToken.None));

        await using var store = await SqliteVigilStore.OpenAsync(path);
        using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        Assert.Equal((long)SqliteMigrations.All.Count, Scalar(connection, "SELECT MAX(version) FROM schema_migrations"));
        Assert.Equal(0L, Scalar(connection, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'"));
        Assert.NotNull(await store.GetBankAsync("SAFE"));
    }

    [Fact]
    public async Task ADatabaseFromANewerVigilIsRefusedWithAClearError()
    {
        using var directory = new TempDirectory();
        string path = directory.File("vigil.db");
        await using (var store = await SqliteVigilStore.OpenAsync(path))
        {
            using var connection = await store.OpenConnectionAsync(CancellationToken.None);
            Scalar(connection, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)");
        }

        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteVigilStore.OpenAsync(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("99", error.Message);
        Assert.Contains("newer", error.Message);
    }

    [Fact]
    public async Task AFileThatIsNotSqliteIsRefusedWithAClearErrorAndLeftAlone()
    {
        using var directory = new TempDirectory();
        string path = directory.File("notes.txt");
        string text = string.Concat(Enumerable.Repeat("these are my notes, not a database\n", 200));
        await File.WriteAllTextAsync(path, text);

        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteVigilStore.OpenAsync(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("not a SQLite database", error.Message);
        Assert.Equal(text, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task ASqliteDatabaseOfAnotherProgramIsRefused()
    {
        using var directory = new TempDirectory();
        string path = directory.File("other.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Scalar(connection, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
        }

        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteVigilStore.OpenAsync(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("not a Vigil one", error.Message);
    }

    [Fact]
    public async Task AMissingDirectoryIsAStoreErrorNotACrash()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "missing", "vigil.db");

        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteVigilStore.OpenAsync(path));
        Assert.Contains(path, error.Message);
    }

    internal static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
