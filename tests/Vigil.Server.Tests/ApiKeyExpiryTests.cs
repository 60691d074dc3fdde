using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>
/// An expiring key works until its expiry by the server's clock and is 401 on every endpoint from
/// then on, cached or not, counting as a failed key for the address like an unknown or revoked one.
/// The clock is moved, never waited for.
/// </summary>
public sealed partial class ApiKeyExpiryTests : LiveServerTest
{
    // Starts at the real time, so the store's created_at and the server's idea of now agree.
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);

    /// <summary>Five failures at once, refilled at one a second; a long key cache, so expiry must not wait for it.</summary>
    protected override ServerSettings Settings => base.Settings with
    {
        FailedKeyBurstPerAddress = 5,
        FailedKeysPerSecondPerAddress = 1,
        KeyCacheTime = TimeSpan.FromMinutes(10),
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    private async Task<string> ExpiringKeyAsync(ApiKeyRole role, DateTimeOffset expiresAt)
    {
        string secret = ApiKeySecrets.Generate();
        await Store.CreateApiKeyAsync($"expiring-{Guid.NewGuid():N}", role, ApiKeySecrets.Hash(secret), expiresAt);
        return secret;
    }

    [Fact]
    public async Task An_expired_key_is_401_on_every_endpoint_and_counts_as_a_failed_key()
    {
        var expiry = _clock.GetUtcNow() + TimeSpan.FromDays(90);
        string used = await ExpiringKeyAsync(ApiKeyRole.Admin, expiry);
        string unused = await ExpiringKeyAsync(ApiKeyRole.Admin, expiry);
        string forever = await KeyAsync(ApiKeyRole.Admin);

        // A second before the expiry the key works (and is now in the key cache).
        _clock.Advance(expiry - _clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/c/banks", used)).StatusCode);

        // At the expiry it stops, although it is cached; a key first seen after its expiry too.
        _clock.Advance(TimeSpan.FromSeconds(1));
        var refused = await SendAsync(HttpMethod.Get, "/c/banks", used);
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "API key not valid");
        Assert.Contains("expired", (await JsonAsync(refused)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/c/banks", unused)).StatusCode);
        // Two failures so far; the key without an expiry still works.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/c/banks", forever)).StatusCode);

        // Every endpoint that takes a key refuses it (the cached key: no limiter in the way).
        var endpoints = KeyedEndpoints();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} endpoints found");
        foreach (var (method, path) in endpoints)
        {
            var response = await SendAsync(method, path, used, method == HttpMethod.Get || method == HttpMethod.Delete ? null : "{}");
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/c/banks", forever)).StatusCode);

        // Each of those counted against the address, as unknown keys do: the next unknown key is 429.
        var limited = await SendAsync(HttpMethod.Get, "/c/banks", "vgl_made-up");
        await AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, "too many failed keys");
    }

    [Fact]
    public async Task Expired_keys_alone_use_up_the_failed_key_budget()
    {
        string key = await ExpiringKeyAsync(ApiKeyRole.Matcher, _clock.GetUtcNow() + TimeSpan.FromHours(12));
        _clock.Advance(TimeSpan.FromHours(12));
        // Five failures: the first reads the store, the rest are cached; then the address is limited.
        for (int i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/c/banks", key)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(HttpMethod.Get, "/c/banks", "vgl_unknown")).StatusCode);
        // The bucket refills with the server's clock.
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/c/banks", "vgl_unknown")).StatusCode);
    }

    /// <summary>Every (method, path) the server maps with <see cref="RequiresRole"/>, route parameters filled in.</summary>
    private List<(HttpMethod Method, string Path)> KeyedEndpoints()
    {
        var found = new List<(HttpMethod, string)>();
        foreach (var endpoint in Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<RequiresRole>() is null)
                continue;
            string path = "/" + RouteParameter().Replace(endpoint.RoutePattern.RawText!.TrimStart('/'),
                m => m.Groups["constraint"].Value is ":int" or ":long" ? "1" : "SAMPLES");
            foreach (string method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                found.Add((new HttpMethod(method), path));
        }
        return found;
    }

    [GeneratedRegex(@"\{\*?(?<name>\w+)(?<constraint>[^}]*)\}")]
    private static partial Regex RouteParameter();
}
