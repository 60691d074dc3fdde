using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Hashing.Signals;
using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>A real server on 127.0.0.1:0 over a temporary SQLite store holding bank SAMPLES with one PDQ item.</summary>
public abstract class LiveServerTest : IAsyncLifetime
{
    protected const string BridgePdq = "d8f8f0cee0f4a84f0e370222038f67f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private readonly TempDirectory _dir = new();
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    protected SqliteVigilStore Store { get; private set; } = null!;

    /// <summary>The store's database file (another process's view of it can be opened there).</summary>
    protected string DatabasePath => Path.Combine(_dir.Path, "vigil.db");

    protected long BridgeId { get; private set; }

    /// <summary>A client of the running server (no key set).</summary>
    protected HttpClient Http => _http;

    /// <summary>The running server's address, e.g. <c>http://127.0.0.1:54321/</c> (for raw requests over a socket).</summary>
    protected Uri Address => _http.BaseAddress!;

    /// <summary>The running server's services (to wait for its background work).</summary>
    protected IServiceProvider Services => _app.Services;

    /// <summary>The server's settings: quick to follow changes and to notice revoked keys.</summary>
    protected virtual ServerSettings Settings => new()
    {
        Urls = "http://127.0.0.1:0",
        FollowInterval = TimeSpan.FromMilliseconds(200),
        KeyCacheTime = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Where the server's logs go (default: nowhere).</summary>
    protected virtual void ConfigureLogging(Microsoft.Extensions.Logging.ILoggingBuilder logging)
    {
    }

    /// <summary>Replaces the server's services (e.g. its clock).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>The store the server is given (e.g. one that fails on purpose); default the test's own.</summary>
    protected virtual IVigilStore ServedStore(SqliteVigilStore store) => store;

    /// <summary>Runs before the store opens and <see cref="Settings"/> is read (e.g. to start a helper the settings name).</summary>
    protected virtual Task BeforeServerStartsAsync() => Task.CompletedTask;

    /// <summary>Runs after the server has stopped.</summary>
    protected virtual Task AfterServerStopsAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await BeforeServerStartsAsync();
        Store = await SqliteVigilStore.OpenAsync(DatabasePath);
        await Store.CreateBankAsync(new NewBank("SAMPLES"));
        BridgeId = (await Store.AddContentAsync("SAMPLES", new NewContent([new Signal(SignalType.Pdq, BridgePdq)]))).Id;
        _app = VigilServer.Build(ServedStore(Store), Settings, ConfigureLogging, ConfigureServices);
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // Redirects are answers to check, not to follow (a followed redirect drops the key and reads as a 401).
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await _http.GetAsync("/status")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the index did not load");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
        await AfterServerStopsAsync();
    }

    protected async Task<string> KeyAsync(ApiKeyRole role)
    {
        string secret = ApiKeySecrets.Generate();
        await Store.CreateApiKeyAsync($"{role}-{Guid.NewGuid():N}", role, ApiKeySecrets.Hash(secret));
        return secret;
    }

    /// <summary>Sends a request; <paramref name="json"/> is sent verbatim as an application/json body.</summary>
    protected async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await _http.SendAsync(request);
    }

    /// <summary>Sends a request with any body (multipart uploads, say), optionally with <c>Expect: 100-continue</c>.</summary>
    protected async Task<HttpResponseMessage> SendContentAsync(HttpMethod method, string path, string? key, HttpContent? content, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (expectContinue)
            request.Headers.ExpectContinue = true;
        return await _http.SendAsync(request);
    }

    protected static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Every item of every case (of one status, or all), read through <c>GET /v1/cases</c> and <c>GET /v1/cases/ID</c>, each with its case's id.</summary>
    protected async Task<List<(long CaseId, JsonElement Item)>> CaseItemsAsync(string reviewerKey, string? status = null)
    {
        var items = new List<(long, JsonElement)>();
        var cases = await JsonAsync(await SendAsync(HttpMethod.Get, "/v1/cases?limit=1000" + (status is null ? "" : "&status=" + status), reviewerKey));
        foreach (var c in cases.EnumerateArray())
        {
            long id = c.GetProperty("id").GetInt64();
            var details = await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{id}", reviewerKey));
            foreach (var item in details.GetProperty("items").EnumerateArray())
                items.Add((id, item));
        }
        return items;
    }

    /// <summary>Asserts a problem document with this status (and title, when given).</summary>
    protected static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? title = null)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        if (title is not null)
            Assert.Equal(title, json.GetProperty("title").GetString());
    }
}
