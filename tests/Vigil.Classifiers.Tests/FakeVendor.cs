using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vigil.Classifiers.Tests;

/// <summary>
/// A vendor's classification service on 127.0.0.1 (ASP.NET Core): it decodes each posted PNG's size and answers a score
/// per label (or a priority level) computed from the request, and can be told to fail, stall or answer garbage.
/// </summary>
internal sealed class FakeVendor : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;

    private FakeVendor(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>Answers with a priority level instead of scores.</summary>
    public string? Priority { get; set; }

    /// <summary>The next this many calls answer 503.</summary>
    public int FailNext { get; set; }

    /// <summary>Every call answers this status (0: normal).</summary>
    public int AlwaysStatus { get; set; }

    /// <summary>Calls take this long before answering.</summary>
    public TimeSpan Stall { get; set; }

    /// <summary>Answers this body verbatim.</summary>
    public string? Garbage { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public List<string?> Authorizations { get; } = [];

    public List<(int Width, int Height)> Sizes { get; } = [];

    public static async Task<FakeVendor> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var vendor = new FakeVendor(app);
        app.MapPost("/v1/classify", (Func<HttpContext, Task<IResult>>)vendor.HandleAsync);
        await app.StartAsync();
        vendor.Url = new Uri(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/v1/classify");
        return vendor;
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _calls);
        lock (Authorizations)
            Authorizations.Add(context.Request.Headers.Authorization.FirstOrDefault());
        if (Stall > TimeSpan.Zero)
            await Task.Delay(Stall, context.RequestAborted);
        if (AlwaysStatus != 0)
            return Results.StatusCode(AlwaysStatus);
        if (FailNext > 0)
        {
            FailNext--;
            return Results.StatusCode(503);
        }
        if (Garbage is not null)
            return Results.Text(Garbage, "application/json");
        var request = (await JsonNode.ParseAsync(context.Request.Body))!;
        var answers = new JsonArray();
        // Answer in reverse order: the client must match items by id, not by position.
        foreach (var item in request["items"]!.AsArray().Reverse())
        {
            byte[] png = Convert.FromBase64String((string)item!["data"]!);
            // PNG's IHDR: width and height are big-endian at bytes 16 and 20.
            int width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16));
            int height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
            lock (Sizes)
                Sizes.Add((width, height));
            var answer = new JsonObject { ["id"] = (string)item["id"]! };
            if (Priority is not null)
                answer["priority"] = Priority;
            else
                answer["scores"] = new JsonObject { ["flagged"] = Math.Min(1, width / 1000.0), ["benign"] = 1 - Math.Min(1, width / 1000.0) };
            answers.Add(answer);
        }
        return Results.Text(new JsonObject { ["items"] = answers }.ToJsonString(), "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
