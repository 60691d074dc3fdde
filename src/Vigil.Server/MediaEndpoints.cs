using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// HMA's media endpoints (docs/hma-api.md): <c>POST /h/hash</c> and <c>GET /h/hash?url=</c>
/// (curator and matcher keys), <c>POST /m/lookup</c> (matcher keys) and
/// <c>POST /c/bank/NAME/content</c> (curator keys). Uploads are multipart/form-data with the file in
/// a field named by its content type (<c>photo</c> or <c>video</c>). Images are decoded in memory,
/// never written to disk; a video goes to a private temporary file for ffmpeg, deleted once hashed
/// (<see cref="VideoUploads"/>). Nothing is kept but hashes. URLs are fetched only when they are on
/// the operator's allow-list (<see cref="ServerSettings.HashUrlAllowList"/>).
/// </summary>
public static class MediaEndpoints
{
    /// <summary>
    /// How much longer than <see cref="ServerSettings.MaxUploadBytes"/> a multipart request body may
    /// be: room for the boundaries, part headers and small form fields such as <c>metadata</c>.
    /// </summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    /// <summary>The largest <see cref="ServerSettings.MaxUploadBytes"/> allowed (1 GiB): a file is held in one array.</summary>
    public const long MaxUploadLimit = 1L << 30;

    private static readonly RequiresRole Hashers = new(ApiKeyRole.Curator, ApiKeyRole.Matcher);
    private static readonly RequiresRole Matchers = new(ApiKeyRole.Matcher);
    private static readonly RequiresRole Curators = new(ApiKeyRole.Curator);

    /// <summary>Maps the endpoints.</summary>
    /// <exception cref="ArgumentException">The settings' upload limit, video limits or URL allow-list are not valid.</exception>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.Services.GetRequiredService<ServerSettings>();
        if (settings.MaxUploadBytes < 1 || settings.MaxUploadBytes > MaxUploadLimit)
            throw new ArgumentException($"MaxUploadBytes must be 1..{MaxUploadLimit} (1 GiB), not {settings.MaxUploadBytes}", nameof(app));
        if (settings.HashUrlTimeout <= TimeSpan.Zero)
            throw new ArgumentException("HashUrlTimeout must be positive", nameof(app));
        if (settings.VideoHashTimeout <= TimeSpan.Zero)
            throw new ArgumentException("VideoHashTimeout must be positive", nameof(app));
        if (settings.MaxConcurrentVideos < 1)
            throw new ArgumentException("MaxConcurrentVideos must be at least 1", nameof(app));
        // Registered by VigilServer.Build (GET /m/lookup?url= uses it too); the allow-list is parsed here, at start-up.
        var media = app.Services.GetRequiredService<MediaService>();

        // The upload endpoints' body limit, declared for routing and form reading alike; the handlers
        // also set it on the request themselves and stream the file, so it holds however they are hosted.
        long bodyLimit = settings.MaxUploadBytes + MultipartOverheadBytes;
        var sizeLimit = new UploadSizeLimit(bodyLimit);
        app.MapPost("/h/hash", (HttpContext context, string? types, CancellationToken ct) => media.HashUploadAsync(context, types, ct))
            .WithMetadata(Hashers, sizeLimit, new ReadOnlyRequest()).WithFormOptions(bufferBody: false, multipartBodyLengthLimit: bodyLimit);
        app.MapGet("/h/hash", (HttpContext context, string? url, string? content_type, string? types, CancellationToken ct) =>
            media.HashUrlAsync(context, url, content_type, types, ct)).WithMetadata(Hashers);
        app.MapPost("/m/lookup", (HttpContext context, MatcherHost host, string? banks, string? seed, string? bypass_coinflip, string? include,
            string? types, string? dihedral, string? robust, string? classify, CancellationToken ct) =>
            media.LookupUploadAsync(context, host, new MediaLookupQuery(banks, seed, bypass_coinflip, include, types, dihedral, robust, classify), ct))
            .WithMetadata(Matchers, sizeLimit, new ReadOnlyRequest()).WithFormOptions(bufferBody: false, multipartBodyLengthLimit: bodyLimit);
        app.MapPost("/c/bank/{bank_name}/content", (HttpContext context, IBankStore bankStore, IContentStore contentStore, string bank_name, string? url, string? content_type,
            string? types, CancellationToken ct) => media.AddContentAsync(context, bankStore, contentStore, bank_name, url, content_type, types, ct))
            .WithMetadata(Curators, sizeLimit).WithFormOptions(bufferBody: false, multipartBodyLengthLimit: bodyLimit);
    }
}

/// <summary>An upload endpoint's request body limit (Kestrel's MaxRequestBodySize for that request).</summary>
internal sealed record UploadSizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;

/// <summary>The query of <c>POST /m/lookup</c>: HMA's <c>banks</c>, <c>seed</c>, <c>bypass_coinflip</c>, <c>types</c>, and Vigil's <c>include</c>, <c>dihedral</c>, <c>robust</c> and <c>classify</c>.</summary>
internal sealed record MediaLookupQuery(string? Banks, string? Seed, string? BypassCoinflip, string? Include, string? Types, string? Dihedral, string? Robust = null,
    string? Classify = null);
