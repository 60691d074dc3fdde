using Vigil.Storage;
using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;
using Vigil.Storage.Tests;
using Vigil.Testing;

namespace Vigil.Exchanges.Sync.Tests;

/// <summary>Where a test's store lives: a fresh SQLite file, or a fresh database on the throwaway PostgreSQL.</summary>
public abstract class StoreTest : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("vigil-exchange-sync-");
    private PostgresServer? _server;
    private string? _database;

    protected IVigilStore Store { get; private set; } = null!;

    protected abstract bool Postgres { get; }

    public virtual async Task InitializeAsync()
    {
        if (Postgres)
        {
            _server = await PostgresServer.GetAsync();
            _database = await _server.CreateDatabaseAsync();
            Store = await PostgresVigilStore.OpenAsync(_server.ConnectionString(_database));
        }
        else
            Store = await SqliteVigilStore.OpenAsync(_dir.File("vigil.db"));
        await Store.CreateBankAsync(new NewBank("EXCHANGED"));
    }

    /// <summary>Another store on the same database, with its own connections: what a second replica (or the CLI beside a server) opens.</summary>
    protected async Task<IVigilStore> OpenAnotherStoreAsync() =>
        _server is not null && _database is not null
            ? await PostgresVigilStore.OpenAsync(_server.ConnectionString(_database))
            : await SqliteVigilStore.OpenAsync(_dir.File("vigil.db"));

    public virtual async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        if (_server is not null && _database is not null)
            await _server.DropDatabaseAsync(_database);
        _dir.Dispose();
    }

    /// <summary>Every entry of the bank as (source id, first signal value), sorted.</summary>
    protected async Task<List<(string? SourceId, string Signal)>> BankAsync(string bank = "EXCHANGED")
    {
        var rows = new List<(string?, string)>();
        await foreach (var content in Store.StreamContentAsync(bank))
            rows.Add((content.SourceId, content.Signals[0].Value));
        rows.Sort();
        return rows;
    }
}
