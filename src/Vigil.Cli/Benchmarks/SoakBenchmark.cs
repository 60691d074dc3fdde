using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Hashing.Pdq;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// Endurance: the real server (its own process) over a bank of N hashes, lookups at a steady rate
/// and bank writes (each second some signals added and as many earlier ones deleted, so the bank
/// keeps its size) for a given time. Samples the server's resident memory throughout and fails when
/// any request fails or memory after warm-up grows by more than the allowed share.
/// </summary>
internal static class SoakBenchmark
{
    public sealed record Settings(int Size, TimeSpan Duration, int Concurrency, double LookupsPerSecond, int WritesPerSecond, double MaxGrowth);

    public static async Task<int> RunAsync(Settings settings, TextWriter output, TextWriter log, CancellationToken ct)
    {
        using var bench = await BenchStore.CreateAsync(settings.Size, log, ct);
        log.WriteLine("starting the server (its own process)...");
        await using var server = await ServerProcess.StartAsync(bench.DatabasePath, TimeSpan.FromMinutes(5), ct);
        var warmUp = TimeSpan.FromSeconds(Math.Min(60, settings.Duration.TotalSeconds / 10));
        log.WriteLine($"soaking for {settings.Duration.TotalMinutes:0.#} min: {settings.LookupsPerSecond:N0} lookups/s over {settings.Concurrency} connections, "
                      + $"{settings.WritesPerSecond} adds and deletes/s; memory is judged after {warmUp.TotalSeconds:F0} s of warm-up");

        long lookupsEstimate = (long)(settings.LookupsPerSecond > 0 ? settings.LookupsPerSecond * settings.Duration.TotalSeconds * 1.1 : 1_000_000);
        var lookups = LoadClient.Prepare(server.Address, bench.MatcherKey, bench.LookupPaths((int)Math.Clamp(lookupsEstimate, 1_000, 2_000_000)));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clock = Stopwatch.StartNew();
        var samples = new List<(double Seconds, long Rss)>();
        var sampler = SampleAsync(server, samples, clock, log, stop.Token);
        var writer = WriteAsync(server, bench.CuratorKey, settings.WritesPerSecond, stop.Token);
        LoadResult load;
        try
        {
            load = await LoadClient.RunAsync(server.Address, lookups, long.MaxValue, settings.Duration, settings.Concurrency, settings.LookupsPerSecond, ct);
        }
        finally
        {
            await stop.CancelAsync();
        }
        var writes = await writer;
        await sampler;
        if (load.FirstError is not null)
            log.WriteLine($"first lookup error: {load.FirstError}");
        if (writes.FirstError is not null)
            log.WriteLine($"first write error: {writes.FirstError}");

        long warm = 0, min = long.MaxValue, max = 0, end = 0;
        foreach (var (seconds, rss) in samples)
        {
            if (seconds < warmUp.TotalSeconds)
                continue;
            if (warm == 0)
                warm = rss;
            min = Math.Min(min, rss);
            max = Math.Max(max, rss);
            end = rss;
        }
        double growth = warm == 0 ? 0 : (double)(max - warm) / warm;
        static string Mb(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"size\":{settings.Size},\"minutes\":{clock.Elapsed.TotalMinutes:F1},\"lookups\":{load.Requests},\"lookups_per_second\":{load.RequestsPerSecond:F0},"
            + $"\"p50_ms\":{load.Latency.Milliseconds(0.5):F2},\"p99_ms\":{load.Latency.Milliseconds(0.99):F2},\"max_ms\":{load.Latency.Milliseconds(1):F2},"
            + $"\"lookup_errors\":{load.Errors},\"writes\":{writes.Count},\"write_errors\":{writes.Errors},"
            + $"\"rss_after_warmup_mb\":{Mb(warm)},\"rss_min_mb\":{Mb(min == long.MaxValue ? 0 : min)},\"rss_max_mb\":{Mb(max)},\"rss_end_mb\":{Mb(end)},"
            + $"\"rss_growth_percent\":{100 * growth:F1}}}"));
        bool ok = load.Errors == 0 && writes.Errors == 0 && server.IsRunning && growth <= settings.MaxGrowth;
        if (growth > settings.MaxGrowth)
            log.WriteLine($"resident memory grew {100 * growth:F1}% after warm-up (allowed {100 * settings.MaxGrowth:F0}%)");
        return ok ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static async Task SampleAsync(ServerProcess server, List<(double, long)> samples, Stopwatch clock, TextWriter log, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                long rss = server.ResidentBytes();
                samples.Add((clock.Elapsed.TotalSeconds, rss));
                if (samples.Count % 6 == 0)
                    log.WriteLine($"  {clock.Elapsed.TotalMinutes,5:F1} min: server resident {rss / 1048576.0:F0} MB");
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }

    private sealed record WriteResult(long Count, long Errors, string? FirstError);

    /// <summary>Each second: add signals to the bank, and delete what was added a few seconds before.</summary>
    private static async Task<WriteResult> WriteAsync(ServerProcess server, string curatorKey, int perSecond, CancellationToken ct)
    {
        using var http = LoadClient.Create(server.Address, curatorKey);
        var rng = new Random(13);
        var added = new Queue<long>();
        long count = 0, errors = 0;
        string? firstError = null;
        if (perSecond <= 0)
            return new WriteResult(0, 0, null);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                for (int i = 0; i < perSecond; i++)
                {
                    var hash = new PdqHash((ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64());
                    using var response = await http.PostAsJsonAsync($"c/bank/{BenchStore.Bank}/signal", new Dictionary<string, string> { ["pdq"] = hash.ToString() }, ct);
                    count++;
                    if (!response.IsSuccessStatusCode)
                    {
                        errors++;
                        firstError ??= $"POST signal: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
                        continue;
                    }
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                    added.Enqueue(body.RootElement.GetProperty("id").GetInt64());
                }
                while (added.Count > 5 * perSecond)
                {
                    using var response = await http.DeleteAsync($"c/bank/{BenchStore.Bank}/content/{added.Dequeue()}", ct);
                    count++;
                    if (!response.IsSuccessStatusCode)
                    {
                        errors++;
                        firstError ??= $"DELETE content: {(int)response.StatusCode}";
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
        return new WriteResult(count, errors, firstError);
    }
}
