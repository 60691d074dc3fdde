using System.Diagnostics;
using System.Globalization;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The service under load on this machine: a throwaway SQLite store with N random hashes, the real
/// server as its own process on 127.0.0.1, and a bounded client here (R requests over C keep-alive
/// connections) doing GET /m/lookup by hash, half of them near a stored hash. Reports throughput,
/// latency and the CPU each side spent per request (so a noisy machine still gives a fair cost).
/// </summary>
internal static class ServeBenchmark
{
    public static async Task<int> RunAsync(int size, int requests, int concurrency, TextWriter output, TextWriter log, CancellationToken ct)
    {
        using var bench = await BenchStore.CreateAsync(size, log, ct);
        log.WriteLine("starting the server (its own process)...");
        var clock = Stopwatch.StartNew();
        await using var server = await ServerProcess.StartAsync(bench.DatabasePath, TimeSpan.FromMinutes(5), ct);
        log.WriteLine($"index ready in {clock.Elapsed.TotalSeconds:F1} s; {requests:N0} lookups over {concurrency} connections...");
        // Every measured request a different hash: no cache anywhere can make this look faster than it is.
        var lookups = LoadClient.Prepare(server.Address, bench.MatcherKey, bench.LookupPaths(requests));
        // Long enough for tiered compilation to finish optimising the request path.
        var warmUp = LoadClient.Prepare(server.Address, bench.MatcherKey, bench.LookupPaths(Math.Min(20_000, requests), seed: 11));
        await LoadClient.RunAsync(server.Address, warmUp, warmUp.Length, TimeSpan.FromSeconds(8), concurrency, 0, ct);

        var serverCpu = server.CpuTime();
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var result = await LoadClient.RunAsync(server.Address, lookups, requests, TimeSpan.FromMinutes(10), concurrency, 0, ct);
        serverCpu = server.CpuTime() - serverCpu;
        clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;

        if (result.FirstError is not null)
            log.WriteLine($"first error: {result.FirstError}");
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{{\"size\":{size},\"requests\":{result.Requests},\"concurrency\":{concurrency},\"requests_per_second\":{result.RequestsPerSecond:F0},"
            + $"\"p50_ms\":{result.Latency.Milliseconds(0.5):F2},\"p99_ms\":{result.Latency.Milliseconds(0.99):F2},\"max_ms\":{result.Latency.Milliseconds(1):F2},"
            + $"\"errors\":{result.Errors},\"matched\":{result.Matched},"
            + $"\"server_cpu_us_per_request\":{serverCpu.TotalMicroseconds / Math.Max(1, result.Requests):F0},"
            + $"\"client_cpu_us_per_request\":{clientCpu.TotalMicroseconds / Math.Max(1, result.Requests):F0},"
            + $"\"server_rss_mb\":{server.ResidentBytes() / 1048576.0:F0}}}");
        output.WriteLine(line);
        return result.Errors == 0 && result.Requests == requests ? ExitCodes.Success : ExitCodes.Failure;
    }
}
