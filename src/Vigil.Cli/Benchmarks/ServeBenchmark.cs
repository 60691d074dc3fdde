using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Server;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The service under load, all on this machine: a throwaway SQLite store with N random hashes, the
/// real server on 127.0.0.1, and a bounded client (R requests over C keep-alive connections) doing
/// GET /m/lookup by hash, half of them planted near a stored hash.
/// </summary>
internal static class ServeBenchmark
{
    public static async Task<int> RunAsync(int size, int requests, int concurrency, TextWriter output, TextWriter log, CancellationToken ct)
    {
        var workspace = Directory.CreateTempSubdirectory("vigil-bench-serve-");
        try
        {
            string db = Path.Combine(workspace.FullName, "bench.db");
            var rng = new Random(5);
            var hashes = new PdqHash[size];
            rng.NextBytes(MemoryMarshal.AsBytes(hashes.AsSpan()));
            await using var store = await SqliteVigilStore.OpenAsync(db, ct);
            await store.CreateBankAsync(new NewBank("BENCH"), ct);
            log.WriteLine($"importing {size:N0} random hashes into a throwaway store...");
            var clock = Stopwatch.StartNew();
            await store.ImportAsync("BENCH", hashes.Select(h => ImportItem.Add(new Signal(SignalType.Pdq, h.ToString()))), cancellationToken: ct);
            log.WriteLine($"imported in {clock.Elapsed.TotalSeconds:F1} s; starting the server...");
            string key = ApiKeySecrets.Generate();
            await store.CreateApiKeyAsync("bench", ApiKeyRole.Matcher, ApiKeySecrets.Hash(key), ct);

            var app = VigilServer.Build(store, new ServerSettings { Urls = "http://127.0.0.1:0" }, _ => { });
            await app.StartAsync(ct);
            try
            {
                string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
                {
                    BaseAddress = new Uri(address),
                    Timeout = TimeSpan.FromSeconds(30),
                };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
                clock.Restart();
                while (!(await http.GetAsync("/status", ct)).IsSuccessStatusCode)
                    await Task.Delay(50, ct);
                log.WriteLine($"index ready in {clock.Elapsed.TotalSeconds:F1} s; {requests:N0} lookups over {concurrency} connections...");

                var paths = new string[Math.Min(requests, 4096)];
                for (int i = 0; i < paths.Length; i++)
                {
                    var h = i % 2 == 0 ? hashes[rng.Next(size)] : hashes[0];
                    if (i % 2 == 1)
                        rng.NextBytes(MemoryMarshal.AsBytes(new Span<PdqHash>(ref h)));
                    else
                        h = new PdqHash(h.GetLimb(0) ^ 0xF0F0, h.GetLimb(1), h.GetLimb(2) ^ 0x3, h.GetLimb(3));
                    paths[i] = $"/m/lookup?signal_type=pdq&signal={h}";
                }
                await Warm(http, paths, Math.Min(2000, requests), concurrency, ct);

                var latencies = new long[requests];
                int next = -1, errors = 0, matched = 0;
                clock.Restart();
                var workers = Enumerable.Range(0, concurrency).Select(async _ =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < requests)
                    {
                        long start = Stopwatch.GetTimestamp();
                        using var response = await http.GetAsync(paths[i % paths.Length], ct);
                        string body = await response.Content.ReadAsStringAsync(ct);
                        latencies[i] = Stopwatch.GetTimestamp() - start;
                        if (!response.IsSuccessStatusCode)
                            Interlocked.Increment(ref errors);
                        else if (body.Length > 2)
                            Interlocked.Increment(ref matched);
                    }
                }).ToArray();
                await Task.WhenAll(workers);
                double seconds = clock.Elapsed.TotalSeconds;
                Array.Sort(latencies);
                double Ms(double q) => latencies[Math.Min(latencies.Length - 1, (int)(latencies.Length * q))] * 1000.0 / Stopwatch.Frequency;
                output.WriteLine($"{{\"size\":{size},\"requests\":{requests},\"concurrency\":{concurrency},\"requests_per_second\":{requests / seconds:F0},"
                                 + $"\"p50_ms\":{Ms(0.5):F2},\"p99_ms\":{Ms(0.99):F2},\"max_ms\":{Ms(1.0):F2},\"errors\":{errors},\"matched\":{matched}}}");
                return errors == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            workspace.Delete(recursive: true);
        }
    }

    private static async Task Warm(HttpClient http, string[] paths, int count, int concurrency, CancellationToken ct)
    {
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
                (await http.GetAsync(paths[next % paths.Length], ct)).Dispose();
        }));
    }
}
