using Npgsql;

namespace Vigil.Storage.Tests;

/// <summary>
/// A fresh PostgreSQL database for one test class (an xunit class fixture), dropped afterwards; each
/// test gets a fresh schema in it, so every test starts from an empty store as with SQLite.
/// </summary>
public sealed class PostgresDatabase : IStoreBackend, IAsyncLifetime
{
    private static int s_schemas;
    private PostgresServer? _server;
    private string? _database;

    public string Name => "PostgreSQL";

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        _database = await _server.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null && _database is not null)
            await _server.DropDatabaseAsync(_database);
    }

    /// <summary>A connection string for a new, empty schema of the class's database.</summary>
    public async Task<string> CreateSchemaAsync()
    {
        if (_server is null || _database is null)
            throw new InvalidOperationException("the PostgreSQL test database was not set up");
        string schema = $"t{Interlocked.Increment(ref s_schemas)}";
        await using (var connection = new NpgsqlConnection(_server.ConnectionString(_database)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return _server.ConnectionString(_database, schema);
    }

    public async Task<TestStore> CreateStoreAsync()
    {
        string connectionString = await CreateSchemaAsync();
        var store = await Postgres.PostgresVigilStore.OpenAsync(connectionString);
        return new TestStore(store, path: null, cleanup: null) { ConnectionString = connectionString };
    }
}
