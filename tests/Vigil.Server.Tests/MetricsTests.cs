using System.Net;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Storage;

namespace Vigil.Server.Tests;

/// <summary><c>GET /metrics</c> with metrics on (<c>vigil serve --metrics</c>): Prometheus text, no key needed, and the values the service saw.</summary>
public sealed class MetricsTests : LiveServerTest
{
    protected override ServerSettings Settings => base.Settings with { Metrics = true };

    /// <summary>Scrapes until <paramref name="ready"/> holds (request metrics are recorded as each request ends), 5 s at most.</summary>
    internal static async Task<List<PrometheusSample>> ScrapeAsync(Func<Task<HttpResponseMessage>> get, Func<List<PrometheusSample>, bool> ready)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var response = await get();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
            var samples = PrometheusText.Parse(await response.Content.ReadAsStringAsync());
            if (ready(samples) || clock.Elapsed > TimeSpan.FromSeconds(5))
                return samples;
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_scrape_after_lookups_counts_them_by_route_status_bank_and_signal_type()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        var near = PdqHash.Parse(BridgePdq);
        near = new PdqHash(near.GetLimb(0) ^ 0b11, near.GetLimb(1), near.GetLimb(2), near.GetLimb(3));
        string md5 = "0123456789abcdef0123456789abcdef";
        await Store.CreateBankAsync(new NewBank("OTHER"));
        await Store.AddContentAsync("OTHER", new NewContent([new Signal(SignalType.Md5, md5)]));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await (await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=md5&signal={md5}", key)).Content.ReadAsStringAsync() == "{}")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the new bank was not followed");
            await Task.Delay(50);
        }

        // Two pdq lookups that match SAMPLES, one that matches nothing, and one bad request.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=pdq&signal={near}", key)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=pdq&signal={BridgePdq}", key)).StatusCode);
        Assert.Equal("{}", await (await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=pdq&signal={new string('0', 64)}", key)).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Get, "/m/lookup?signal_type=pdq&signal=zz", key)).StatusCode);

        (string, string)[] lookup200 = [("http_route", "/m/lookup"), ("http_response_status_code", "200"), ("http_request_method", "GET")];
        (string, string)[] lookup400 = [("http_route", "/m/lookup"), ("http_response_status_code", "400")];
        // No key: load balancers and Prometheus scrape without one.
        var samples = await ScrapeAsync(() => SendAsync(HttpMethod.Get, "/metrics", null),
            s => s.Value("http_server_request_duration_seconds_count", lookup400) == 1);

        Assert.Equal(3, samples.Value("vigil_lookups_total", ("signal_type", "pdq")));
        Assert.Equal(2, samples.Value("vigil_matches_total", ("bank", "SAMPLES"), ("signal_type", "pdq")));
        Assert.True(samples.Value("vigil_lookups_total", ("signal_type", "md5")) >= 1);
        Assert.True(samples.Value("vigil_matches_total", ("bank", "OTHER"), ("signal_type", "md5")) >= 1);
        Assert.Null(samples.Value("vigil_matches_total", ("bank", "OTHER"), ("signal_type", "pdq")));

        // HTTP requests and latency by route and status, as a histogram.
        double lookups = samples.Value("http_server_request_duration_seconds_count", lookup200)!.Value;
        Assert.True(lookups >= 4, $"{lookups} lookups answered 200");
        Assert.Equal(lookups, samples.Value("http_server_request_duration_seconds_bucket", [.. lookup200, ("le", "+Inf")]));
        Assert.True(samples.Value("http_server_request_duration_seconds_sum", lookup200) > 0);
        Assert.Equal(1, samples.Value("http_server_request_duration_seconds_count", lookup400));

        // The gauges.
        Assert.Equal(1, samples.Value("vigil_index_hashes"));
        Assert.Equal(await Store.GetLatestChangeSeqAsync(), samples.Value("vigil_changelog_applied"));
        double lag = samples.Value("vigil_changelog_lag_seconds")!.Value;
        Assert.InRange(lag, 0, 5);
        Assert.True(samples.Value("vigil_process_memory_bytes") > 10_000_000);
        Assert.True(samples.Value("vigil_process_managed_memory_bytes") > 0);
        Assert.NotNull(samples.Value("vigil_audit_queue"));
        Assert.Equal(0, samples.Value("vigil_video_decodes"));
    }

    [Fact]
    public async Task Metrics_need_no_key_and_count_one_lookup_per_signal_type_of_an_upload()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        var upload = await SendContentAsync(HttpMethod.Post, "/m/lookup", key, MediaFixtures.Form(MediaFixtures.Bytes(MediaFixtures.Bridge)));
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var samples = await ScrapeAsync(() => SendAsync(HttpMethod.Get, "/metrics", null),
            s => s.Value("vigil_lookups_total", ("signal_type", "md5")) == 1);
        Assert.Equal(1, samples.Value("vigil_lookups_total", ("signal_type", "pdq")));
        Assert.Equal(1, samples.Value("vigil_lookups_total", ("signal_type", "md5")));
        Assert.Equal(1, samples.Value("vigil_matches_total", ("bank", "SAMPLES"), ("signal_type", "pdq")));
        Assert.Equal(1, samples.Value("http_server_request_duration_seconds_count", ("http_route", "/m/lookup"), ("http_request_method", "POST"),
            ("http_response_status_code", "200")));
    }
}

/// <summary>Metrics are off unless asked for: <c>GET /metrics</c> is a 404.</summary>
public sealed class MetricsOffTests : LiveServerTest
{
    [Fact]
    public async Task Without_metrics_on_GET_metrics_is_404_with_or_without_a_key()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/metrics", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/metrics", await KeyAsync(ApiKeyRole.Admin))).StatusCode);
    }
}

/// <summary><c>vigil serve --metrics-urls URL</c>: metrics on a listener of their own, and only there.</summary>
public sealed class MetricsListenerTests : LiveServerTest
{
    protected override ServerSettings Settings => base.Settings with { MetricsUrls = "http://127.0.0.1:0" };

    [Fact]
    public async Task Metrics_are_served_on_their_own_listener_only_and_nothing_else_is()
    {
        string key = await KeyAsync(ApiKeyRole.Matcher);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=pdq&signal={BridgePdq}", key)).StatusCode);
        // Not beside the API...
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/metrics", null)).StatusCode);

        // ...but on the metrics listener, which serves nothing else.
        string address = Assert.Single((Services.GetService(typeof(MetricsListener)) as MetricsListener)!.Addresses);
        Assert.NotEqual(Address.Port, new Uri(address).Port);
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
        var samples = await MetricsTests.ScrapeAsync(() => http.GetAsync("/metrics"),
            s => s.Value("http_server_request_duration_seconds_count", ("http_route", "/m/lookup"), ("http_response_status_code", "200")) == 1);
        Assert.Equal(1, samples.Value("vigil_lookups_total", ("signal_type", "pdq")));
        Assert.Equal(1, samples.Value("http_server_request_duration_seconds_count", ("http_route", "/m/lookup"), ("http_response_status_code", "200")));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/status")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/m/lookup?signal_type=pdq&signal={BridgePdq}")).StatusCode);
    }
}
