using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Storage.Tests;

/// <summary>Where the contract tests get their stores: SQLite files or PostgreSQL schemas.</summary>
public interface IStoreBackend
{
    /// <summary>The backend's name, for messages.</summary>
    string Name { get; }

    /// <summary>A store on a fresh, empty database.</summary>
    Task<TestStore> CreateStoreAsync();
}

/// <summary>SQLite: a fresh database file in a temp directory per store.</summary>
public sealed class SqliteBackend : IStoreBackend
{
    public static SqliteBackend Instance { get; } = new();

    public string Name => "SQLite";

    public async Task<TestStore> CreateStoreAsync() => await TestStore.CreateAsync();
}

/// <summary>
/// The behavioural tests of <see cref="IVigilStore"/>: each is an abstract class with one concrete
/// subclass per backend, so both stores pass the same contract.
/// </summary>
public abstract class StoreContractTests(IStoreBackend backend)
{
    protected IStoreBackend Backend => backend;

    protected Task<TestStore> CreateStoreAsync() => backend.CreateStoreAsync();
}

/// <summary>A store on a fresh database (a SQLite file in a temp directory, or a PostgreSQL schema), cleaned up afterwards.</summary>
public sealed class TestStore : IAsyncDisposable
{
    private readonly TempDirectory? _directory;

    internal TestStore(IVigilStore store, string? path, TempDirectory? cleanup)
    {
        _directory = cleanup;
        Path = path;
        Store = store;
    }

    /// <summary>The SQLite file, or null for PostgreSQL.</summary>
    public string? Path { get; }

    /// <summary>The PostgreSQL connection string, or null for SQLite.</summary>
    public string? ConnectionString { get; init; }

    public IVigilStore Store { get; }

    /// <summary>The store as the SQLite store (for SQLite-only tests).</summary>
    public SqliteVigilStore Sqlite => (SqliteVigilStore)Store;

    /// <summary>A fresh SQLite store.</summary>
    public static async Task<TestStore> CreateAsync()
    {
        var directory = new TempDirectory("vigil-storage-");
        string path = directory.File("vigil.db");
        return new TestStore(await SqliteVigilStore.OpenAsync(path), path, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _directory?.Dispose();
    }
}

/// <summary>Deterministic synthetic signals: no test uses real hash lists.</summary>
public static class Signals
{
    public static PdqHash RandomPdqHash(Random random) =>
        new((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());

    public static Signal Pdq(PdqHash hash) => new(SignalType.Pdq, hash.ToString());

    /// <summary>A PDQ signal that is a function of <paramref name="n"/>, so tests can name item n.</summary>
    public static Signal Pdq(long n) => Pdq(RandomPdqHash(new Random(unchecked((int)n * 7919 + 17))));

    public static Signal Md5(long n) => new(SignalType.Md5, n.ToString("x32"));

    public static Signal Sha256(long n) => new(SignalType.Sha256, n.ToString("x64"));
}
