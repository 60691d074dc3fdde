using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Storage.Tests;

/// <summary>A store on a fresh database file in a temp directory, deleted afterwards.</summary>
internal sealed class TestStore : IAsyncDisposable
{
    private readonly TempDirectory _directory;

    private TestStore(TempDirectory directory, string path, SqliteVigilStore store)
    {
        _directory = directory;
        Path = path;
        Store = store;
    }

    public string Path { get; }

    public SqliteVigilStore Store { get; }

    public string DirectoryPath => _directory.Path;

    public static async Task<TestStore> CreateAsync()
    {
        var directory = new TempDirectory("vigil-storage-");
        string path = directory.File("vigil.db");
        return new TestStore(directory, path, await SqliteVigilStore.OpenAsync(path));
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>Deterministic synthetic signals: no test uses real hash lists.</summary>
internal static class Signals
{
    public static PdqHash RandomPdqHash(Random random) =>
        new((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());

    public static Signal Pdq(PdqHash hash) => new(SignalType.Pdq, hash.ToString());

    /// <summary>A PDQ signal that is a function of <paramref name="n"/>, so tests can name item n.</summary>
    public static Signal Pdq(long n) => Pdq(RandomPdqHash(new Random(unchecked((int)n * 7919 + 17))));

    public static Signal Md5(long n) => new(SignalType.Md5, n.ToString("x32"));

    public static Signal Sha256(long n) => new(SignalType.Sha256, n.ToString("x64"));
}
