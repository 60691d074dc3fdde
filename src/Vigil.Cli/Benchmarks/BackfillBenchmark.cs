using System.Diagnostics;
using System.Globalization;
using Vigil.Hashing.Signals;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// <c>vigil bench exchange-backfill</c>: the real server (its own process) backfills N synthetic
/// entries from a fake NCMEC on 127.0.0.1 through its exchange schedule while lookups run against
/// it at a steady rate; reports the lookups' latency during the backfill and how soon committed
/// entries become matchable (probes: the newest committed signal, looked up until it matches).
/// </summary>
internal static class BackfillBenchmark
{
    public static async Task<int> RunAsync(int entries, int bankSize, double lookupRate, int concurrency, double backfillShare, TextWriter output, TextWriter log, CancellationToken ct)
    {
        using var bench = await BenchStore.CreateAsync(bankSize, log, ct);
        log.WriteLine($"making {entries:N0} synthetic entries in a fake NCMEC (its own process)...");
        string credentials = Path.Combine(Path.GetDirectoryName(bench.DatabasePath)!, "ncmec.json");
        await using var fake = await FakeNcmecProcess.StartAsync(entries, credentials, ct);
        await using (var store = await SqliteVigilStore.OpenAsync(bench.DatabasePath, ct))
        {
            await store.CreateBankAsync(new NewBank("NCMEC"), ct);
            await store.Exchanges.AddExchangeAsync(new NewExchange("ncmec-fake", "ncmec", "NCMEC")
            {
                BaseUrl = fake.BaseUrl.AbsoluteUri, CredentialsFile = credentials, Interval = TimeSpan.FromSeconds(1),
                OptionsJson = """{"start":"2024-01-01T00:00:00Z"}""",
            }, DateTimeOffset.UtcNow, ct);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        log.WriteLine("starting the server (its own process); its schedule starts the backfill...");
        await using var server = await ServerProcess.StartAsync(bench.DatabasePath, TimeSpan.FromMinutes(5), ct,
            "--backfill-share", backfillShare.ToString(CultureInfo.InvariantCulture));
        var lookups = LoadClient.Prepare(server.Address, bench.MatcherKey, bench.LookupPaths(200_000));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clock = Stopwatch.StartNew();
        var probes = ProbeAsync(bench.DatabasePath, server.Address, bench.MatcherKey, entries, clock, log, stop.Token);
        var load = LoadClient.RunAsync(server.Address, lookups, long.MaxValue, TimeSpan.FromHours(2), concurrency, lookupRate, stop.Token);
        var (delays, backfillSeconds) = await probes;
        await stop.CancelAsync();
        var result = await load;

        delays.Sort();
        double p50 = delays.Count == 0 ? double.NaN : delays[delays.Count / 2];
        double max = delays.Count == 0 ? double.NaN : delays[^1];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"entries\":{entries},\"backfill_share\":{backfillShare},\"backfill_seconds\":{backfillSeconds:F1},\"entries_per_s\":{entries / backfillSeconds:F0},"
            + $"\"lookups\":{result.Requests},\"lookups_per_s\":{result.RequestsPerSecond:F0},\"lookup_errors\":{result.Errors},"
            + $"\"lookup_p50_ms\":{result.Latency.Milliseconds(0.5):F2},\"lookup_p99_ms\":{result.Latency.Milliseconds(0.99):F2},\"lookup_max_ms\":{result.Latency.Milliseconds(1.0):F2},"
            + $"\"probes\":{delays.Count},\"matchable_p50_s\":{p50:F2},\"matchable_max_s\":{max:F2}}}"));
        return result.Errors == 0 && delays.Count > 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>Until every entry is in the bank: every half second, the newest committed signal is looked up until it matches; the delays in seconds.</summary>
    private static async Task<(List<double> Delays, double Seconds)> ProbeAsync(string database, Uri server, string key, int entries, Stopwatch clock,
        TextWriter log, CancellationToken ct)
    {
        var delays = new List<double>();
        using var http = LoadClient.Create(server, key);
        await using var store = await SqliteVigilStore.OpenAsync(database, ct);
        long lastSeq = 0;
        long shown = 0;
        while (!ct.IsCancellationRequested)
        {
            long count = await store.CountContentAsync("NCMEC", ct);
            if (count - shown >= entries / 10 || (count == entries && shown != count))
            {
                shown = count;
                log.WriteLine($"  {count:N0} entries in the bank after {clock.Elapsed.TotalSeconds:F0} s");
            }
            if (count >= entries)
                return (delays, clock.Elapsed.TotalSeconds);
            long seq = await store.GetLatestChangeSeqAsync(ct);
            if (seq > lastSeq)
            {
                // The newest few changes: an entry's MD5 lands after its PDQ, so the newest PDQ is among the last ones.
                var newest = await store.ReadChangesAsync(Math.Max(0, seq - 8), 8, ct);
                lastSeq = seq;
                Signal? pdq = null;
                foreach (var change in newest)
                {
                    if (change.Signal.Type == SignalType.Pdq)
                        pdq = change.Signal;
                }
                if (pdq is not null)
                {
                    var seen = clock.Elapsed;
                    string path = $"/m/lookup?signal_type=pdq&signal={pdq.Value.Value}";
                    while (!ct.IsCancellationRequested && clock.Elapsed - seen < TimeSpan.FromSeconds(60))
                    {
                        using var answer = await http.GetAsync(path, ct);
                        string body = await answer.Content.ReadAsStringAsync(ct);
                        if (!answer.IsSuccessStatusCode)
                        {
                            log.WriteLine($"  probe lookup answered {(int)answer.StatusCode}: {body}");
                            break;
                        }
                        if (body.Contains("NCMEC", StringComparison.Ordinal))
                        {
                            delays.Add((clock.Elapsed - seen).TotalSeconds);
                            break;
                        }
                        await Task.Delay(50, ct);
                    }
                }
            }
            await Task.Delay(100, ct);
        }
        return (delays, clock.Elapsed.TotalSeconds);
    }
}
