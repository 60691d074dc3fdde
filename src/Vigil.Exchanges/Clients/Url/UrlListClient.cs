using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Vigil.Exchanges.Fetching;

namespace Vigil.Exchanges.Clients.Url;

/// <summary>
/// A hash list file at a URL (te, csv, ncmec-xml or stopncii-json), fetched with If-None-Match /
/// If-Modified-Since and applied as the difference from the last fetch: the pages are the whole
/// list (<see cref="ExchangePage.EndsSnapshot"/> on the last), so the fetcher removes what the new
/// file no longer holds. An unchanged file (304) is no pages at all. Only URLs under the allow-list.
/// </summary>
public sealed class UrlListClient : IExchangeClient
{
    private readonly ExchangeHttp _http;
    private readonly UrlListOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>A client of the list <paramref name="options"/> names, calling through <paramref name="http"/>.</summary>
    /// <exception cref="ArgumentException">The URL is not under the allow-list, or is plain http to another machine.</exception>
    public UrlListClient(HttpClient http, UrlListOptions options, ExchangeHttpOptions? httpOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = options.Url;
        if (!url.IsAbsoluteUri || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
            throw new ArgumentException($"a list URL must be https (or http on this machine): {url}");
        bool allowed = false;
        foreach (string prefix in options.AllowList)
            allowed |= url.AbsoluteUri.StartsWith(prefix, StringComparison.Ordinal);
        if (!allowed)
            throw new ArgumentException($"{url} is not under the URL allow-list ({(options.AllowList.Count == 0 ? "empty" : string.Join(", ", options.AllowList))})");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PageSize, 1);
        _options = options;
        _clock = httpOptions?.TimeProvider ?? TimeProvider.System;
        _http = new ExchangeHttp(http, "list " + url.GetLeftPart(UriPartial.Path), httpOptions);
    }

    /// <summary>The next item of the file; a file that breaks its format is the exchange's protocol error.</summary>
    private bool Next(IEnumerator<HashListItem> items, HashListFormat format)
    {
        try
        {
            return items.MoveNext();
        }
        catch (Exception e) when (e is Formats.MalformedListException or FormatException or InvalidDataException or JsonException or System.Xml.XmlException)
        {
            throw new ExchangeProtocolException($"the list at {_options.Url} cannot be read as {format.GetName()}: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ExchangePage> FetchAsync(ExchangeCheckpoint? checkpoint, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var last = checkpoint is null ? null : JsonSerializer.Deserialize(checkpoint.Value, UrlCheckpointJson.Default.UrlCheckpoint);
        var answer = await _http.SendAsync("GET", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, _options.Url);
            if (last?.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
                request.Headers.IfNoneMatch.Add(tag);
            else if (last?.LastModified is { } modified)
                request.Headers.IfModifiedSince = modified;
            return request;
        }, cancellationToken);
        if (answer.Status == HttpStatusCode.NotModified)
            yield break;
        if (answer.Body.LongLength > _options.MaxBytes)
            throw new ExchangeProtocolException($"the list at {_options.Url} is {answer.Body.LongLength} bytes, over the limit of {_options.MaxBytes}");

        var format = _options.Format ?? HashListReader.Detect(answer.Body.AsSpan(0, Math.Min(answer.Body.Length, HashListReader.DetectionHeadLength)),
            _options.Url.AbsolutePath);
        var next = new ExchangeCheckpoint(
            JsonSerializer.Serialize(new UrlCheckpoint(answer.ETag, answer.LastModified), UrlCheckpointJson.Default.UrlCheckpoint),
            answer.LastModified ?? _clock.GetUtcNow());
        var page = new List<HashListEntry>(Math.Min(_options.PageSize, 1024));
        int skipped = 0;
        using var stream = new MemoryStream(answer.Body, writable: false);
        using var items = HashListReader.Read(stream, format).GetEnumerator();
        while (Next(items, format))
        {
            var item = items.Current;
            cancellationToken.ThrowIfCancellationRequested();
            if (item.Entry is not { } entry || entry.Signals.Count == 0 && entry.SourceId is null)
            {
                skipped++;
                continue;
            }
            // An entry without the list's own id is known by its first signal, so that the next file's absence of it removes it.
            page.Add(entry.SourceId is null ? entry with { SourceId = entry.Signals[0].Type.Name + ":" + entry.Signals[0].Value } : entry);
            if (page.Count >= _options.PageSize)
            {
                yield return new ExchangePage(page, null) { Skipped = skipped };
                page = new List<HashListEntry>(_options.PageSize);
                skipped = 0;
            }
        }
        // The checkpoint (the file's validators) only with the last page: a fetch cut short reads the whole file again.
        yield return new ExchangePage(page, next) { Skipped = skipped, EndsSnapshot = true };
    }
}

/// <summary>Where a list fetch stands: the last file's validators.</summary>
/// <param name="ETag">Its entity tag, sent back as If-None-Match.</param>
/// <param name="LastModified">Its Last-Modified time, sent back as If-Modified-Since when there is no ETag.</param>
public sealed record UrlCheckpoint(
    [property: System.Text.Json.Serialization.JsonPropertyName("etag")] string? ETag,
    [property: System.Text.Json.Serialization.JsonPropertyName("last_modified")] DateTimeOffset? LastModified);

/// <summary>The checkpoint's source-generated JSON.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(UrlCheckpoint))]
internal sealed partial class UrlCheckpointJson : System.Text.Json.Serialization.JsonSerializerContext;
