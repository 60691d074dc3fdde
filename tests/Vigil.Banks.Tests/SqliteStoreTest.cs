using System.Runtime.InteropServices;
using Vigil.Hashing.Pdq;
using Vigil.Testing;

namespace Vigil.Banks.Tests;

/// <summary>A test with a throwaway SQLite store file, and the random hashes the matcher tests build on.</summary>
public abstract class SqliteStoreTest : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>The store file (made by the first store opened on it).</summary>
    protected string DbPath => Path.Combine(_dir.Path, "vigil.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static PdqHash RandomHash(Random rng)
    {
        var hash = new PdqHash[1];
        rng.NextBytes(MemoryMarshal.AsBytes(hash.AsSpan()));
        return hash[0];
    }

    /// <summary><paramref name="h"/> with its lowest <paramref name="bits"/> bits flipped.</summary>
    protected static PdqHash Flip(PdqHash h, int bits) =>
        new(h.GetLimb(0) ^ ((1UL << bits) - 1), h.GetLimb(1), h.GetLimb(2), h.GetLimb(3));
}
