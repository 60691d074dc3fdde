using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Review.Actions;

namespace Vigil.Cli.Tests;

/// <summary>
/// A platform's webhook endpoint on 127.0.0.1:0 (<c>POST /hooks/...</c>) that checks every signature with the public
/// verifier and keeps the bodies it accepted; down (503) until <see cref="Up"/> is set.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _secret;
    private readonly ConcurrentQueue<string> _bodies = new();
    private int _requests, _bad;

    private WebhookReceiver(WebApplication app, string secret)
    {
        _app = app;
        _secret = Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>The receiver's base address, ending in a slash.</summary>
    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    /// <summary>Whether it accepts (204) rather than answering 503.</summary>
    public volatile bool Up;

    /// <summary>Requests received, accepted or not.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests whose signature did not verify (answered 401).</summary>
    public int BadSignatures => Volatile.Read(ref _bad);

    /// <summary>The bodies accepted, in order.</summary>
    public IReadOnlyList<string> Bodies => [.. _bodies];

    /// <summary>How many were accepted.</summary>
    public int Accepted => _bodies.Count;

    /// <summary>The last body accepted, or null.</summary>
    public string? LastBody => _bodies.LastOrDefault();

    /// <summary>Starts a receiver that verifies with <paramref name="secret"/>; <paramref name="up"/> says whether it accepts from the start.</summary>
    public static async Task<WebhookReceiver> StartAsync(string secret, bool up = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build(), secret) { Up = up };
        receiver._app.MapPost("/hooks/{**rest}", (Func<HttpContext, Task<IResult>>)receiver.HandleAsync);
        await receiver._app.StartAsync();
        return receiver;
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        Interlocked.Increment(ref _requests);
        if (!WebhookSignature.Verify(context.Request.Headers[WebhookSignature.HeaderName], buffer.ToArray(), _secret,
                DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance))
        {
            Interlocked.Increment(ref _bad);
            return Results.StatusCode(401);
        }
        if (!Up)
            return Results.StatusCode(503);
        _bodies.Enqueue(Encoding.UTF8.GetString(buffer.ToArray()));
        return Results.NoContent();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
