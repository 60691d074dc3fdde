using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Vigil.Cli.Benchmarks;

/// <summary>What a bounded run of lookups measured.</summary>
internal sealed record LoadResult(long Requests, long Errors, long Matched, double Seconds, LatencyHistogram Latency, string? FirstError)
{
    public double RequestsPerSecond => Requests / Math.Max(Seconds, 1e-9);
}

/// <summary>
/// The load generator: C workers, each on its own keep-alive connection, send GET lookups from a
/// fixed list, as fast as the server answers or paced to a total rate, until a request count or a
/// time is reached. Bounded both ways, and only ever against the loopback address it is given.
/// </summary>
internal static class LoadClient
{
    /// <summary>An HttpClient with the key, for the few requests that are not the measured lookups.</summary>
    public static HttpClient Create(Uri address, string key)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>The requests, encoded once.</summary>
    public static byte[][] Prepare(Uri address, string key, string[] paths)
    {
        var requests = new byte[paths.Length][];
        for (int i = 0; i < paths.Length; i++)
            requests[i] = RawHttpConnection.Request(address.Authority, paths[i], key);
        return requests;
    }

    /// <param name="address">The server (loopback).</param>
    /// <param name="requests">Prepared requests (<see cref="Prepare"/>), used in turn.</param>
    /// <param name="maxRequests">Stop after this many requests.</param>
    /// <param name="maxDuration">Stop after this long.</param>
    /// <param name="concurrency">Connections, each with one request in flight.</param>
    /// <param name="ratePerSecond">Total pace (0: as fast as the server answers).</param>
    /// <param name="ct">Ends the run early: the result is what was measured until then.</param>
    public static async Task<LoadResult> RunAsync(Uri address, byte[][] requests, long maxRequests, TimeSpan maxDuration,
        int concurrency, double ratePerSecond, CancellationToken ct)
    {
        if (!IPAddress.TryParse(address.Host, out var ip) || !IPAddress.IsLoopback(ip))
            throw new ArgumentException($"the load client only targets loopback addresses, not {address.Host}", nameof(address));
        var endpoint = new IPEndPoint(ip, address.Port);
        long next = -1, errors = 0, matched = 0;
        string? firstError = null;
        var histograms = new LatencyHistogram[concurrency];
        long deadline = Stopwatch.GetTimestamp() + (long)(maxDuration.TotalSeconds * Stopwatch.Frequency);
        long started = Stopwatch.GetTimestamp();
        var workers = new Task[concurrency];
        for (int w = 0; w < concurrency; w++)
        {
            var histogram = histograms[w] = new LatencyHistogram();
            workers[w] = Task.Run(async () =>
            {
                RawHttpConnection? connection = null;
                try
                {
                    long i;
                    while ((i = Interlocked.Increment(ref next)) < maxRequests && Stopwatch.GetTimestamp() < deadline)
                    {
                        if (ratePerSecond > 0)
                        {
                            long wait = started + (long)(i / ratePerSecond * Stopwatch.Frequency) - Stopwatch.GetTimestamp();
                            if (wait > 0)
                                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
                        }
                        long start = Stopwatch.GetTimestamp();
                        try
                        {
                            connection ??= await RawHttpConnection.OpenAsync(endpoint, ct);
                            var (status, length) = await connection.SendAsync(requests[i % requests.Length], ct);
                            histogram.Record(Stopwatch.GetTimestamp() - start);
                            if (status != 200)
                            {
                                Interlocked.Increment(ref errors);
                                Interlocked.CompareExchange(ref firstError, $"HTTP {status}", null);
                            }
                            else if (length > 2)
                            {
                                Interlocked.Increment(ref matched);
                            }
                        }
                        catch (Exception e) when (e is IOException or SocketException or InvalidDataException)
                        {
                            histogram.Record(Stopwatch.GetTimestamp() - start);
                            Interlocked.Increment(ref errors);
                            Interlocked.CompareExchange(ref firstError, e.Message, null);
                            connection?.Dispose();
                            connection = null;
                        }
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Stopped by the caller: what was measured so far is the result.
                }
                finally
                {
                    connection?.Dispose();
                }
            }, CancellationToken.None);
        }
        await Task.WhenAll(workers);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = new LatencyHistogram();
        foreach (var h in histograms)
            all.Add(h);
        return new LoadResult(all.Count, errors, matched, seconds, all, firstError);
    }
}
