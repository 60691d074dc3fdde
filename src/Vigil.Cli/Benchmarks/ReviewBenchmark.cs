using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Vigil.Hashing.Signals;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// Review's speed on this machine: case submissions through the real server (a 200 KB JPEG and its
/// context per case, media sealed in the vault) with lookups running beside them; and the queue over
/// many open cases (the first page, a deep keyset page, claim-next), on SQLite or PostgreSQL.
/// </summary>
internal static class ReviewBenchmark
{
    /// <summary>The submitted photo: a benign 214 KB JPEG from the PDQ reference's test images.</summary>
    public const string PhotoFixture = "threatexchange/pdq/data/bridge-mods/shrink-a-little.jpg";

    /// <summary>The photo with a unique JPEG comment after its start marker: the same picture, different bytes (so no cache can know it).</summary>
    private static byte[] Variant(byte[] photo, long n)
    {
        byte[] text = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"vigil-bench-{n:D12}"));
        var variant = new byte[photo.Length + 4 + text.Length];
        photo.AsSpan(0, 2).CopyTo(variant);
        variant[2] = 0xFF;
        variant[3] = 0xFE;
        variant[4] = (byte)((text.Length + 2) >> 8);
        variant[5] = (byte)(text.Length + 2);
        text.CopyTo(variant.AsSpan(6));
        photo.AsSpan(2).CopyTo(variant.AsSpan(6 + text.Length));
        return variant;
    }

    // lookedUp: every photo was looked up (POST /m/lookup) before it is submitted, as a platform does; false: each is new to the server.
    public static async Task<int> SubmitAsync(string photoPath, int seconds, int concurrency, double lookupRate, bool lookedUp, TextWriter output, TextWriter log,
        CancellationToken ct)
    {
        byte[] photo = await File.ReadAllBytesAsync(photoPath, ct);
        // Enough distinct photos for the run at 500 cases/s, and more for the warm-up.
        int count = Math.Max(2_000, seconds * 400);
        var photos = new byte[count][];
        for (int i = 0; i < count; i++)
            photos[i] = Variant(photo, i);
        var warmPhotos = new byte[2_000][];
        for (int i = 0; i < warmPhotos.Length; i++)
            warmPhotos[i] = Variant(photo, 1_000_000 + i);
        using var bench = await BenchStore.CreateAsync(100_000, log, ct);
        string submitterKey = ApiKeySecrets.Generate();
        string vaultKey = Path.Combine(Path.GetDirectoryName(bench.DatabasePath)!, "vault.key");
        KeyFileWrapper.Create(vaultKey).Dispose();
        await using (var store = await SqliteVigilStore.OpenAsync(bench.DatabasePath, ct))
            await store.CreateApiKeyAsync("bench-submitter", ApiKeyRole.Submitter, ApiKeySecrets.Hash(submitterKey), ct);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var server = await ServerProcess.StartAsync(bench.DatabasePath, TimeSpan.FromMinutes(5), ct, "--vault-key", vaultKey);
        log.WriteLine($"submitting a {photo.Length / 1024} KB JPEG per case over {concurrency} connections for {seconds} s, lookups at {lookupRate}/s beside them...");

        using var http = LoadClient.Create(server.Address, submitterKey);
        if (lookedUp)
        {
            log.WriteLine($"looking up {count:N0} distinct photos first (POST /m/lookup), as the platform does at upload time...");
            using var matcherHttp = LoadClient.Create(server.Address, bench.MatcherKey);
            long looked = -1;
            await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                long i;
                while ((i = Interlocked.Increment(ref looked)) < count)
                {
                    using var form = new MultipartFormDataContent("vigil-bench");
                    form.Add(new ByteArrayContent(photos[i]), "photo", "photo.jpg");
                    using var response = await matcherHttp.PostAsync("/m/lookup", form, ct);
                    response.EnsureSuccessStatusCode();
                }
            }, ct)));
        }
        async Task<(long Count, long Errors, LatencyHistogram Latency, string? FirstError)> SubmitForAsync(TimeSpan duration, byte[][] set)
        {
            long next = -1, errors = 0;
            string? firstError = null;
            var histograms = new LatencyHistogram[concurrency];
            long deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
            {
                var histogram = histograms[w] = new LatencyHistogram();
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    long i = Interlocked.Increment(ref next);
                    using var form = new MultipartFormDataContent("vigil-bench");
                    var file = new ByteArrayContent(set[i % set.Length]);
                    file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                    form.Add(file, "media", "photo.jpg");
                    form.Add(new StringContent(string.Create(CultureInfo.InvariantCulture,
                        $$"""{"subject":"user-{{i}}","reason":"user_report","ip":"192.0.2.{{i % 250}}","uploaded_at":"2026-12-01T10:00:00Z"}"""),
                        Encoding.UTF8, "application/json"), "context");
                    long start = Stopwatch.GetTimestamp();
                    using var response = await http.PostAsync("/v1/cases", form, ct);
                    histogram.Record(Stopwatch.GetTimestamp() - start);
                    if ((int)response.StatusCode != 201)
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, $"HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}", null);
                    }
                }
            }, ct)));
            var all = new LatencyHistogram();
            foreach (var h in histograms)
                all.Add(h);
            return (all.Count, errors, all, firstError);
        }

        // Warm-up (tiered compilation of both paths), then the measured run with lookups beside it.
        var warmLookups = LoadClient.Prepare(server.Address, bench.MatcherKey, bench.LookupPaths(2_000, seed: 11));
        await Task.WhenAll(SubmitForAsync(TimeSpan.FromSeconds(5), warmPhotos),
            LoadClient.RunAsync(server.Address, warmLookups, long.MaxValue, TimeSpan.FromSeconds(5), 2, lookupRate, ct));
        var lookups = LoadClient.Prepare(server.Address, bench.MatcherKey, bench.LookupPaths(Math.Max(1_000, (int)(lookupRate * seconds) + 100)));
        var serverCpu = server.CpuTime();
        var clock = Stopwatch.StartNew();
        var submitting = SubmitForAsync(TimeSpan.FromSeconds(seconds), photos);
        var looking = LoadClient.RunAsync(server.Address, lookups, long.MaxValue, TimeSpan.FromSeconds(seconds), 4, lookupRate, ct);
        var (submitted, errors, latency, firstError) = await submitting;
        var lookupResult = await looking;
        double elapsed = clock.Elapsed.TotalSeconds;
        serverCpu = server.CpuTime() - serverCpu;
        if (firstError is not null)
            log.WriteLine($"first submission error: {firstError}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"photo_bytes\":{photo.Length},\"looked_up_first\":{(lookedUp ? "true" : "false")},\"concurrency\":{concurrency},\"seconds\":{elapsed:F1},\"cases\":{submitted},\"cases_per_second\":{submitted / elapsed:F0},"
            + $"\"submit_p50_ms\":{latency.Milliseconds(0.5):F1},\"submit_p99_ms\":{latency.Milliseconds(0.99):F1},\"submit_errors\":{errors},"
            + $"\"lookups\":{lookupResult.Requests},\"lookup_p50_ms\":{lookupResult.Latency.Milliseconds(0.5):F2},\"lookup_p99_ms\":{lookupResult.Latency.Milliseconds(0.99):F2},"
            + $"\"lookup_errors\":{lookupResult.Errors},\"server_cpu_ms_per_case\":{serverCpu.TotalMilliseconds / Math.Max(1, submitted):F2}}}"));
        return errors == 0 && lookupResult.Errors == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    public static async Task<int> QueueAsync(IVigilStore store, int cases, int samples, TextWriter output, TextWriter log, CancellationToken ct)
    {
        var queueStore = store.Cases;
        var t0 = DateTimeOffset.UtcNow;
        var existing = await queueStore.ListQueueAsync(null, 1, ct);
        if (existing.Count == 0)
        {
            log.WriteLine($"opening {cases:N0} cases in {store.Location}...");
            var clock = Stopwatch.StartNew();
            int made = 0;
            int parallel = store is SqliteVigilStore ? 1 : 8;
            await Parallel.ForAsync(0, cases, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (i, token) =>
            {
                string? classification = (i % 5) switch { 0 => "A1", 1 => "B2", _ => null };
                List<CaseMatch> matches = i % 7 == 6 ? [] : [new CaseMatch("BENCH", i, "pdq", i % 32, classification, ["bench"], null, null)];
                await queueStore.AddCaseItemAsync(new NewCaseItem
                {
                    Subject = $"user-{i}",
                    Source = "api",
                    Reason = matches.Count == 0 ? "user_report" : null,
                    Priority = CasePriority.Of(matches, matches.Count == 0 ? "user_report" : null),
                    Signals = [new Signal(SignalType.Pdq, i.ToString("x64", CultureInfo.InvariantCulture))],
                    Matches = matches,
                    Context = new ItemContext { ScreenName = $"synthetic-{i}", Ip = "198.51.100.1" },
                }, t0.AddMilliseconds(i), token);
                if (Interlocked.Increment(ref made) % 20_000 == 0)
                    log.WriteLine($"  {made:N0} cases ({made / clock.Elapsed.TotalSeconds:F0}/s)");
            });
        }

        var first = new LatencyHistogram();
        var deep = new LatencyHistogram();
        var page = await queueStore.ListQueueAsync(null, 50, ct);
        // A cursor half way down the queue: the page after it costs the same as the first (keyset, no OFFSET).
        var middle = await queueStore.ListQueueAsync(null, Math.Min(cases / 2, 50_000), ct);
        var cursor = new QueueCursor(middle[^1].Priority, middle[^1].OpenedAt, middle[^1].Id);
        for (int i = 0; i < samples; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await queueStore.ListQueueAsync(null, 50, ct);
            first.Record(Stopwatch.GetTimestamp() - start);
            start = Stopwatch.GetTimestamp();
            await queueStore.ListQueueAsync(cursor, 50, ct);
            deep.Record(Stopwatch.GetTimestamp() - start);
        }

        // Claim-next as a reviewer does it: claim, decide, claim the next; each claim timed on its own.
        var claim = new LatencyHistogram();
        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < samples; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var claimed = await queueStore.ClaimNextCaseAsync("bench-reviewer", false, now, now.AddMinutes(15), ct);
            claim.Record(Stopwatch.GetTimestamp() - start);
            if (claimed is null)
                break;
            await queueStore.DecideCaseAsync(claimed.Id, "bench-reviewer", CaseVerdict.NoReport, false, now, ct);
        }
        var (pageFirst, pageDeep) = await QueuePageAsync(store, middle[^1], samples, ct);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"page_first_p50_ms\":{pageFirst.Milliseconds(0.5):F2},\"page_first_p99_ms\":{pageFirst.Milliseconds(0.99):F2},"
            + $"\"page_deep_p50_ms\":{pageDeep.Milliseconds(0.5):F2},\"page_deep_p99_ms\":{pageDeep.Milliseconds(0.99):F2},\"engine\":\"{(store is SqliteVigilStore ? "sqlite" : "postgres")}\",\"open_cases\":{cases},\"page\":{page.Count},"
            + $"\"first_page_p50_ms\":{first.Milliseconds(0.5):F2},\"first_page_p99_ms\":{first.Milliseconds(0.99):F2},"
            + $"\"deep_page_p50_ms\":{deep.Milliseconds(0.5):F2},\"deep_page_p99_ms\":{deep.Milliseconds(0.99):F2},"
            + $"\"claim_p50_ms\":{claim.Milliseconds(0.5):F2},\"claim_p99_ms\":{claim.Milliseconds(0.99):F2},\"claims\":{claim.Count}}}"));
        return ExitCodes.Success;
    }

    /// <summary>
    /// The reviewer UI's queue page itself, served in-process on 127.0.0.1 over the store: a reviewer
    /// signed in through a one-time link, the first page and a deep keyset page timed from request to
    /// the last byte of HTML.
    /// </summary>
    private static async Task<(LatencyHistogram First, LatencyHistogram Deep)> QueuePageAsync(IVigilStore store, ReviewCase deep, int samples,
        CancellationToken ct)
    {
        string secret = ApiKeySecrets.Generate();
        string name = $"bench-page-{Guid.NewGuid():N}";
        await store.CreateApiKeyAsync(name, ApiKeyRole.Reviewer, ApiKeySecrets.Hash(secret), DateTimeOffset.UtcNow.AddHours(1), ct);
        var app = Vigil.Server.VigilServer.Build(store, new Vigil.Server.ServerSettings { Urls = "http://127.0.0.1:0" }, logging => { });
        await app.StartAsync(ct);
        try
        {
            var services = app.Services;
            string address = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>(services).Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
            string token = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<Vigil.Server.ReviewUi.ReviewLoginLinks>(services).Issue(ApiKeySecrets.Hash(secret), TimeSpan.FromMinutes(5));
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
            using var login = await http.GetAsync(Vigil.Server.ReviewUi.ReviewLoginLinks.PathFor(token), ct);
            string cookie = login.Headers.GetValues("Set-Cookie").First(c => c.StartsWith(Vigil.Server.ReviewUi.ReviewSessions.CookieName, StringComparison.Ordinal)).Split(';')[0];
            http.DefaultRequestHeaders.Add("Cookie", cookie);
            http.DefaultRequestHeaders.Accept.ParseAdd("text/html");
            string deepPath = "/review/queue?after=" + Vigil.Server.ReviewUi.QueuePage.Cursor(deep);
            var first = new LatencyHistogram();
            var deepPage = new LatencyHistogram();
            for (int i = 0; i < samples + 50; i++)
            {
                foreach (var (path, histogram) in new[] { ("/review", first), (deepPath, deepPage) })
                {
                    long start = Stopwatch.GetTimestamp();
                    using var response = await http.GetAsync(path, ct);
                    string html = await response.Content.ReadAsStringAsync(ct);
                    if (i >= 50)
                        histogram.Record(Stopwatch.GetTimestamp() - start);
                    if (!response.IsSuccessStatusCode || !html.Contains("/review/cases/", StringComparison.Ordinal))
                        throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}");
                }
            }
            return (first, deepPage);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }
}
