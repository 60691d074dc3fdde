using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Vigil.Exchanges.Fakes;

/// <summary>
/// A partner's hash list at a URL: <c>GET /lists/NAME</c> answers the file a test (or integrator) put
/// there, with an ETag and Last-Modified, and 304 to a matching If-None-Match or If-Modified-Since.
/// </summary>
public sealed class FakeListServer : IAsyncDisposable
{
    private readonly Dictionary<string, (byte[] Body, string ETag, DateTimeOffset Modified)> _lists = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private FakeExchangeHost _host = null!;

    /// <summary>The host (its address, injected failures, request log).</summary>
    public FakeExchangeHost Host => _host;

    /// <summary>The URL of list <paramref name="name"/>.</summary>
    public Uri UrlOf(string name) => new(_host.BaseAddress, "lists/" + Uri.EscapeDataString(name));

    /// <summary>How many times a list was answered with its body (not 304).</summary>
    public int Served { get; private set; }

    /// <summary>Starts a fake on 127.0.0.1.</summary>
    public static async Task<FakeListServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var fake = new FakeListServer();
        fake._host = await FakeExchangeHost.StartAsync((app, _) => app.MapGet("/lists/{name}", fake.Serve), cancellationToken: cancellationToken);
        return fake;
    }

    /// <summary>Publishes (or replaces) list <paramref name="name"/> with <paramref name="body"/>, last modified at <paramref name="modified"/>.</summary>
    public void Publish(string name, byte[] body, DateTimeOffset modified)
    {
        ArgumentNullException.ThrowIfNull(body);
        string etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(body))[..16] + "\"";
        lock (_lock)
            _lists[name] = (body, etag, new DateTimeOffset(modified.UtcTicks - modified.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero));
    }

    private IResult Serve(HttpContext context, string name)
    {
        (byte[] Body, string ETag, DateTimeOffset Modified) list;
        lock (_lock)
        {
            if (!_lists.TryGetValue(name, out list))
                return Results.NotFound();
        }
        var request = context.Request.GetTypedHeaders();
        bool unchanged = request.IfNoneMatch.Count > 0
            ? request.IfNoneMatch.Any(t => t.Tag.Value == list.ETag)
            : request.IfModifiedSince is { } since && list.Modified <= since;
        context.Response.Headers.ETag = list.ETag;
        context.Response.GetTypedHeaders().LastModified = list.Modified;
        if (unchanged)
            return Results.StatusCode(StatusCodes.Status304NotModified);
        Served++;
        return Results.Bytes(list.Body, "text/plain; charset=utf-8");
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
