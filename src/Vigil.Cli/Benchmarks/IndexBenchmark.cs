using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Vigil.Hashing.Pdq;
using Vigil.Matching;

namespace Vigil.Cli.Benchmarks;

/// <summary>What <c>vigil bench index</c> measured; serialised as its one JSON line.</summary>
internal sealed record IndexBenchmarkResult(
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("queries")] int Queries,
    [property: JsonPropertyName("max_distance")] int MaxDistance,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("queries_per_second")] double QueriesPerSecond,
    [property: JsonPropertyName("recall")] double Recall,
    [property: JsonPropertyName("recall_checked_queries")] int RecallCheckedQueries,
    [property: JsonPropertyName("bytes_per_hash")] double BytesPerHash,
    [property: JsonPropertyName("build_seconds")] double BuildSeconds,
    [property: JsonPropertyName("load_seconds")] double LoadSeconds,
    [property: JsonPropertyName("snapshot_bytes")] long SnapshotBytes,
    [property: JsonPropertyName("latency_p50_us")] double LatencyP50Micros,
    [property: JsonPropertyName("latency_p99_us")] double LatencyP99Micros,
    [property: JsonPropertyName("buckets_per_query")] double BucketsPerQuery,
    [property: JsonPropertyName("entries_scanned_per_query")] double EntriesScannedPerQuery,
    [property: JsonPropertyName("candidates_per_query")] double CandidatesPerQuery,
    [property: JsonPropertyName("matches_per_query")] double MatchesPerQuery);

/// <summary>
/// The index benchmark: N uniformly random hashes (no structure for an index to exploit), Q queries
/// planted within the radius of stored hashes, timed after a snapshot round trip; recall checked
/// against brute force.
/// </summary>
internal static class IndexBenchmark
{
    public static IndexBenchmarkResult Run(int size, int queryCount, int maxDistance, int threads, int seed, TextWriter log)
    {
        var rng = new Random(seed);
        log.WriteLine($"generating {size:N0} random hashes and {queryCount:N0} planted queries...");
        var hashes = new PdqHash[size];
        rng.NextBytes(MemoryMarshal.AsBytes(hashes.AsSpan()));
        var keys = new int[size];
        for (int i = 0; i < size; i++)
            keys[i] = i;
        var queries = new PdqHash[queryCount];
        var planted = new int[queryCount];
        for (int q = 0; q < queryCount; q++)
        {
            planted[q] = rng.Next(size);
            queries[q] = FlipBits(hashes[planted[q]], rng.Next(maxDistance + 1), rng);
        }

        log.WriteLine("building the index...");
        var clock = Stopwatch.StartNew();
        var built = PdqIndex.Build(hashes, keys);
        double buildSeconds = clock.Elapsed.TotalSeconds;
        keys = null;

        string snapshot = Path.Combine(Path.GetTempPath(), $"vigil-bench-index-{Environment.ProcessId}.snapshot");
        PdqIndex index;
        double loadSeconds;
        long snapshotBytes;
        try
        {
            log.WriteLine($"built in {buildSeconds:F1} s; saving and reloading a snapshot...");
            built.Save(snapshot);
            snapshotBytes = new FileInfo(snapshot).Length;
            built = null;
            GC.Collect();
            clock.Restart();
            index = PdqIndex.Load(snapshot, out _);
            loadSeconds = clock.Elapsed.TotalSeconds;
        }
        finally
        {
            File.Delete(snapshot);
        }

        log.WriteLine($"loaded in {loadSeconds:F2} s; querying with {threads} thread(s)...");
        RunQueries(index, queries.AsSpan(0, Math.Min(200, queryCount)), maxDistance, 1, out _, out _);
        var latencies = new long[queryCount];
        var found = new List<PdqMatch>[queryCount];
        clock.Restart();
        var stats = RunQueries(index, queries, maxDistance, threads, out latencies, out found);
        double seconds = clock.Elapsed.TotalSeconds;

        log.WriteLine("checking recall against brute force...");
        int checkedQueries = Math.Min(queryCount, 200);
        long expectedPairs = 0, foundPairs = 0;
        for (int q = 0; q < queryCount; q++)
        {
            // Every planted query must find the hash it was planted near.
            expectedPairs++;
            foreach (var m in found[q])
            {
                if (m.Key == planted[q])
                {
                    foundPairs++;
                    break;
                }
            }
        }
        var bruteForce = BruteForce(hashes, queries.AsSpan(0, checkedQueries).ToArray(), maxDistance, threads);
        for (int q = 0; q < checkedQueries; q++)
        {
            var answer = new HashSet<int>();
            foreach (var m in found[q])
                answer.Add(m.Key);
            expectedPairs += bruteForce[q].Count;
            foreach (int key in bruteForce[q])
                foundPairs += answer.Contains(key) ? 1 : 0;
            if (answer.Count != bruteForce[q].Count)
                throw new InvalidOperationException($"query {q}: index returned {answer.Count} matches, brute force {bruteForce[q].Count}");
        }

        Array.Sort(latencies);
        long matches = 0;
        foreach (var list in found)
            matches += list.Count;
        return new IndexBenchmarkResult(size, queryCount, maxDistance, threads,
            QueriesPerSecond: queryCount / seconds,
            Recall: (double)foundPairs / expectedPairs,
            RecallCheckedQueries: checkedQueries,
            BytesPerHash: (double)index.MemoryBytes / size,
            BuildSeconds: buildSeconds,
            LoadSeconds: loadSeconds,
            SnapshotBytes: snapshotBytes,
            LatencyP50Micros: Micros(latencies[latencies.Length / 2]),
            LatencyP99Micros: Micros(latencies[Math.Min(latencies.Length - 1, (int)(latencies.Length * 0.99))]),
            BucketsPerQuery: (double)stats.BucketsProbed / queryCount,
            EntriesScannedPerQuery: (double)stats.EntriesScanned / queryCount,
            CandidatesPerQuery: (double)stats.CandidatesVerified / queryCount,
            MatchesPerQuery: (double)matches / queryCount);
    }

    private static double Micros(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    private static SearchStatistics RunQueries(PdqIndex index, ReadOnlySpan<PdqHash> querySpan, int maxDistance, int threads,
        out long[] latencies, out List<PdqMatch>[] found)
    {
        var queries = querySpan.ToArray();
        var times = latencies = new long[queries.Length];
        var results = found = new List<PdqMatch>[queries.Length];
        var perThread = new SearchStatistics[threads];
        var workers = new Thread[threads];
        for (int w = 0; w < threads; w++)
        {
            int worker = w;
            workers[w] = new Thread(() =>
            {
                var stats = new SearchStatistics();
                for (int q = worker; q < queries.Length; q += threads)
                {
                    var list = new List<PdqMatch>(4);
                    long start = Stopwatch.GetTimestamp();
                    index.Search([queries[q]], maxDistance, list, ref stats);
                    times[q] = Stopwatch.GetTimestamp() - start;
                    results[q] = list;
                }
                perThread[worker] = stats;
            });
            workers[w].Start();
        }
        var total = new SearchStatistics();
        for (int w = 0; w < threads; w++)
        {
            workers[w].Join();
            total.Add(perThread[w]);
        }
        return total;
    }

    private static List<int>[] BruteForce(PdqHash[] hashes, PdqHash[] queries, int maxDistance, int threads)
    {
        var answers = new List<int>[queries.Length];
        Parallel.For(0, queries.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, q =>
        {
            var list = new List<int>();
            var query = queries[q];
            for (int i = 0; i < hashes.Length; i++)
            {
                if (PdqHash.Distance(hashes[i], query) <= maxDistance)
                    list.Add(i);
            }
            answers[q] = list;
        });
        return answers;
    }

    private static PdqHash FlipBits(PdqHash hash, int bits, Random rng)
    {
        Span<ulong> limbs = [hash.GetLimb(0), hash.GetLimb(1), hash.GetLimb(2), hash.GetLimb(3)];
        Span<bool> flipped = stackalloc bool[PdqHash.BitCount];
        for (int done = 0; done < bits;)
        {
            int b = rng.Next(PdqHash.BitCount);
            if (flipped[b])
                continue;
            flipped[b] = true;
            limbs[b >> 6] ^= 1UL << (b & 63);
            done++;
        }
        return new PdqHash(limbs[0], limbs[1], limbs[2], limbs[3]);
    }
}
