using System.Diagnostics;
using System.Runtime.InteropServices;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Benchmarks;

/// <summary>A throwaway SQLite store for the service benchmarks: bank BENCH with N random hashes and API keys.</summary>
internal sealed class BenchStore : IDisposable
{
    private readonly DirectoryInfo _workspace;

    private BenchStore(DirectoryInfo workspace, PdqHash[] hashes, string matcherKey, string curatorKey)
    {
        _workspace = workspace;
        Hashes = hashes;
        MatcherKey = matcherKey;
        CuratorKey = curatorKey;
    }

    public string DatabasePath => Path.Combine(_workspace.FullName, "bench.db");

    /// <summary>The hashes in bank BENCH (random, seeded).</summary>
    public PdqHash[] Hashes { get; }

    public string MatcherKey { get; }

    public string CuratorKey { get; }

    public const string Bank = "BENCH";

    public static async Task<BenchStore> CreateAsync(int size, TextWriter log, CancellationToken ct)
    {
        var workspace = Directory.CreateTempSubdirectory("vigil-bench-serve-");
        try
        {
            var hashes = new PdqHash[size];
            new Random(5).NextBytes(MemoryMarshal.AsBytes(hashes.AsSpan()));
            string matcherKey = ApiKeySecrets.Generate(), curatorKey = ApiKeySecrets.Generate();
            await using (var store = await SqliteVigilStore.OpenAsync(Path.Combine(workspace.FullName, "bench.db"), ct))
            {
                await store.CreateBankAsync(new NewBank(Bank), ct);
                log.WriteLine($"importing {size:N0} random hashes into a throwaway store...");
                var clock = Stopwatch.StartNew();
                await store.ImportAsync(Bank, hashes.Select(h => ImportItem.Add(new Signal(SignalType.Pdq, h.ToString()))), cancellationToken: ct);
                log.WriteLine($"imported in {clock.Elapsed.TotalSeconds:F1} s");
                await store.CreateApiKeyAsync("bench-matcher", ApiKeyRole.Matcher, ApiKeySecrets.Hash(matcherKey), ct);
                await store.CreateApiKeyAsync("bench-curator", ApiKeyRole.Curator, ApiKeySecrets.Hash(curatorKey), ct);
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            return new BenchStore(workspace, hashes, matcherKey, curatorKey);
        }
        catch
        {
            workspace.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Lookup paths: even ones a few bits from a stored hash (they match), odd ones random (they
    /// almost surely do not).
    /// </summary>
    public string[] LookupPaths(int count, int seed = 7)
    {
        var rng = new Random(seed);
        var paths = new string[count];
        for (int i = 0; i < count; i++)
        {
            PdqHash h;
            if (i % 2 == 0)
            {
                var stored = Hashes[rng.Next(Hashes.Length)];
                h = new PdqHash(stored.GetLimb(0) ^ 0xF0F0, stored.GetLimb(1), stored.GetLimb(2) ^ 0x3, stored.GetLimb(3));
            }
            else
            {
                h = new PdqHash((ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64());
            }
            paths[i] = $"m/lookup?signal_type=pdq&signal={h}";
        }
        return paths;
    }

    public void Dispose()
    {
        try
        {
            _workspace.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A server that would not stop may still hold the file; the temp directory is cleaned later.
        }
    }
}
