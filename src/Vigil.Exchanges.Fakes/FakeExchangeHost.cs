using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vigil.Exchanges.Fakes;

/// <summary>A failure a fake answers instead of the next request(s) to a path.</summary>
public enum FakeExchangeFailure
{
    /// <summary>HTTP 500.</summary>
    ServerError,
    /// <summary>HTTP 503 with Retry-After: 1.</summary>
    Unavailable,
    /// <summary>HTTP 429 with Retry-After: 1.</summary>
    TooManyRequests,
    /// <summary>HTTP 401.</summary>
    Unauthorized,
    /// <summary>The connection is closed without an answer.</summary>
    DropConnection,
}

/// <summary>
/// What every fake exchange shares: a Kestrel app on 127.0.0.1 (never another address), failures
/// injected per path prefix, and a log of the requests it answered (without their credentials).
/// </summary>
public sealed class FakeExchangeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeExchangeFailure?>> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();

    private FakeExchangeHost(WebApplication app) => _app = app;

    /// <summary>Where the fake listens, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The requests answered, as <c>METHOD /path?query</c>, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>How many requests' paths start with <paramref name="pathPrefix"/>.</summary>
    public int RequestCount(string pathPrefix)
    {
        int n = 0;
        foreach (string request in _requests)
        {
            int space = request.IndexOf(' ', StringComparison.Ordinal);
            if (request.AsSpan(space + 1).StartsWith(pathPrefix, StringComparison.Ordinal))
                n++;
        }
        return n;
    }

    /// <summary>Starts a fake whose endpoints <paramref name="map"/> adds, on 127.0.0.1 at <paramref name="url"/> (port 0: a free one).</summary>
    public static async Task<FakeExchangeHost> StartAsync(Action<WebApplication, FakeExchangeHost> map, string url = "http://127.0.0.1:0",
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(map);
        var uri = new Uri(url);
        if (uri.Scheme != Uri.UriSchemeHttp || !(uri.IsLoopback && (uri.Host is "localhost" || IPAddress.TryParse(uri.Host.Trim('[', ']'), out _))))
            throw new ArgumentException($"a fake exchange listens on http://127.0.0.1 only (or localhost, [::1]), not {url}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(uri.GetLeftPart(UriPartial.Authority));
        var app = builder.Build();
        var host = new FakeExchangeHost(app);
        app.Use(host.InjectAsync);
        map(app, host);
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return host;
    }

    /// <summary>Answers the next <paramref name="times"/> requests whose path starts with <paramref name="pathPrefix"/> with <paramref name="failure"/>,
    /// after letting <paramref name="after"/> of them pass.</summary>
    public void Inject(string pathPrefix, FakeExchangeFailure failure, int times = 1, int after = 0)
    {
        var queue = _failures.GetOrAdd(pathPrefix, _ => new ConcurrentQueue<FakeExchangeFailure?>());
        for (int i = 0; i < after; i++)
            queue.Enqueue(null);
        for (int i = 0; i < times; i++)
            queue.Enqueue(failure);
    }

    private async Task InjectAsync(HttpContext context, RequestDelegate next)
    {
        string path = context.Request.Path.Value ?? "/";
        _requests.Enqueue($"{context.Request.Method} {path}{WithoutCredentials(context.Request.QueryString.Value)}");
        foreach (var (prefix, queue) in _failures)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal) || !queue.TryDequeue(out var failure) || failure is null)
                continue;
            switch (failure)
            {
                case FakeExchangeFailure.ServerError:
                    context.Response.StatusCode = 500;
                    return;
                case FakeExchangeFailure.Unavailable or FakeExchangeFailure.TooManyRequests:
                    context.Response.StatusCode = failure == FakeExchangeFailure.Unavailable ? 503 : 429;
                    context.Response.Headers.RetryAfter = "1";
                    return;
                case FakeExchangeFailure.Unauthorized:
                    context.Response.StatusCode = 401;
                    return;
                case FakeExchangeFailure.DropConnection:
                    context.Abort();
                    return;
            }
        }
        await next(context);
    }

    /// <summary>The query string with the value of an <c>access_token</c> parameter (the Graph API's credential) masked.</summary>
    private static string WithoutCredentials(string? query)
    {
        if (string.IsNullOrEmpty(query) || !query.Contains("access_token=", StringComparison.Ordinal))
            return query ?? "";
        var parts = query.TrimStart('?').Split('&');
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].StartsWith("access_token=", StringComparison.Ordinal))
                parts[i] = "access_token=***";
        }
        return "?" + string.Join('&', parts);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
