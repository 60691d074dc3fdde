using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Vigil.Banks;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.ImageHashing;
using Vigil.Matching;
using Vigil.Media;
using Vigil.Storage;
using ByBank = System.Collections.Generic.SortedDictionary<string, System.Collections.Generic.List<System.Collections.Generic.Dictionary<string, object?>>>;

namespace Vigil.Server;

/// <summary>The work behind <see cref="MediaEndpoints"/>: reading uploads and URLs within the limits, decoding, hashing, matching, storing.</summary>
internal sealed partial class MediaService(ServerSettings settings, UrlPrefixAllowList allowList, ILogger logger) : IDisposable
{
    /// <summary>Response header with the PDQ quality (0..100) of the image just hashed; under 50 its PDQ is not matched.</summary>
    public const string QualityHeader = "Vigil-PDQ-Quality";

    private const int MaxFormParts = 16;
    private const int MaxFieldBytes = 16 * 1024;
    private const int MaxRedirects = 5;

    private readonly HttpClient _http = CreateHttpClient();
    private readonly ConcurrentQueue<MediaWorker> _workers = new();
    private readonly long _limit = settings.MaxUploadBytes;
    private readonly VideoUploads _videos = new(settings, logger);
    private readonly RecentPhotoHashes _recent = new();

    /// <summary>HMA's content types: the form field an upload comes in, or a URL's <c>content_type</c>.</summary>
    private enum ContentKind
    {
        Photo,
        Video,
    }

    [Flags]
    private enum Types
    {
        None = 0,
        Pdq = 1,
        Md5 = 2,
        Vpdq = 4,
        VideoMd5 = 8,
        PhotoTypes = Pdq | Md5,
        VideoTypes = Vpdq | VideoMd5,
    }

    /// <summary>The signal types a request wants: HMA's <c>types</c> when given, else the endpoint's defaults for each content type.</summary>
    private readonly record struct TypeChoice(Types Chosen, Types PhotoDefaults, Types VideoDefaults, string? Raw)
    {
        public bool IsExplicit => Raw is not null;

        /// <summary>The types that apply to a content type, or the problem when <c>types</c> names none of them.</summary>
        public bool TryFor(ContentKind kind, out Types wanted, [NotNullWhen(false)] out IResult? error)
        {
            var applicable = kind == ContentKind.Photo ? Types.PhotoTypes : Types.VideoTypes;
            wanted = IsExplicit ? Chosen & applicable : kind == ContentKind.Photo ? PhotoDefaults : VideoDefaults;
            error = wanted == Types.None
                ? Problems.Result(400, $"no signal type in types={Raw} applies to content_type {Name(kind)}",
                    kind == ContentKind.Photo ? "photos are hashed with pdq (and md5)" : "videos are hashed with vpdq and video_md5")
                : null;
            return error is null;
        }
    }

    /// <summary>Videos being decoded now (<see cref="ServerSettings.MaxConcurrentVideos"/> at most).</summary>
    public int VideoDecodesInFlight => _videos.InFlight;

    private static string Name(ContentKind kind) => kind == ContentKind.Photo ? "photo" : "video";

    public async Task<IResult> HashUploadAsync(HttpContext context, string? types, CancellationToken ct)
    {
        // As HMA: a photo's pdq, a video's vpdq and video_md5.
        if (!TryParseTypes(types, Types.Pdq, Types.VideoTypes, out var choice, out var error))
            return error;
        var (upload, uploadError) = await ReadUploadAsync(context, UploadForm.FileOnly, ct);
        if (uploadError is not null)
            return uploadError;
        using (upload)
            return await HashSignalsAsync(context, upload!.Bytes!, upload.Kind, choice, ct);
    }

    public async Task<IResult> HashUrlAsync(HttpContext context, string? url, string? contentType, string? types, CancellationToken ct)
    {
        if (!TryParseTypes(types, Types.Pdq, Types.VideoTypes, out var choice, out var error))
            return error;
        var (fetched, kind, fetchError) = await FetchUrlAsync(url, contentType, ct);
        if (fetchError is not null)
            return fetchError;
        using (fetched)
            return await HashSignalsAsync(context, fetched!, kind, choice, ct);
    }

    public async Task<IResult> LookupUploadAsync(HttpContext context, MatcherHost host, MediaLookupQuery query, CancellationToken ct)
    {
        // Without types, the file's MD5 is matched too (as vigil match does) and shown only when it matched.
        if (!TryParseTypes(query.Types, Types.PhotoTypes, Types.VideoTypes, out var choice, out var error))
            return error;
        // Before reading the file: no point decoding it while the index loads.
        if (host.Matcher is null)
            return IndexNotReady();
        var (upload, uploadError) = await ReadUploadAsync(context, UploadForm.FileOnly, ct);
        if (uploadError is not null)
            return uploadError;
        using (upload)
        {
            var (result, lookupError) = await LookupMediaAsync(context, host, upload!.Bytes!, upload.Kind, query, choice, ct);
            return lookupError ?? Results.Json(result);
        }
    }

    /// <summary>
    /// HMA's url form of <c>GET /m/lookup</c>: the allow-listed URL is fetched and looked up as an
    /// upload would be, the answer nested by signal type, or only <paramref name="signalType"/>'s part
    /// of it when that is given (as HMA flattens it).
    /// </summary>
    public async Task<IResult> LookupUrlAsync(HttpContext context, MatcherHost host, string url, string? contentType, string? signalType,
        MediaLookupQuery query, CancellationToken ct)
    {
        if (!TryParseTypes(query.Types, Types.PhotoTypes, Types.VideoTypes, out var choice, out var error))
            return error;
        SignalType? only = null;
        if (signalType is not null && !SignalType.TryFromName(signalType, out only))
            return Problems.Result(400, $"No such SignalType '{signalType}'", $"known: {CurationEndpoints.KnownTypes()}");
        if (host.Matcher is null)
            return IndexNotReady();
        var (fetched, kind, fetchError) = await FetchUrlAsync(url, contentType, ct);
        if (fetchError is not null)
            return fetchError;
        using (fetched)
        {
            var (result, lookupError) = await LookupMediaAsync(context, host, fetched!, kind, query, choice, ct);
            if (lookupError is not null)
                return lookupError;
            if (only is null)
                return Results.Json(result);
            return Results.Json(result!.TryGetValue(only.Name, out var part) ? part : new ByBank());
        }
    }

    private static IResult IndexNotReady() =>
        Problems.Result(503, "index not yet ready", "the bank index is still loading; /status turns 200 when it is ready");

    /// <summary>Hashes a photo or video and matches it: HMA's answer nested by signal type, or the problem.</summary>
    private async Task<(Dictionary<string, ByBank>? Result, IResult? Error)> LookupMediaAsync(
        HttpContext context, MatcherHost host, MediaBuffer bytes, ContentKind kind, MediaLookupQuery query, TypeChoice choice, CancellationToken ct)
    {
        var matcher = host.Matcher;
        if (matcher is null)
            return (null, IndexNotReady());
        if (!choice.TryFor(kind, out var wanted, out var typeError))
            return (null, typeError);
        if (kind == ContentKind.Video)
            return await LookupVideoAsync(context, matcher, bytes, query, choice, wanted, ct);

        var mode = IsTrue(query.Robust) ? QueryMode.Robust : IsTrue(query.Dihedral) ? QueryMode.Dihedral : QueryMode.Plain;
        bool classify = IsTrue(query.Classify);
        if (classify && ClassifierMissing() is { } missing)
            return (null, missing);
        PdqHash[] variants = [];
        string[]? variantNames = null;
        RobustSearch? robust = null;
        PdqHash? plain = null;
        string? md5 = null;
        if ((wanted & Types.Pdq) != 0)
        {
            var (image, hashError) = Hash(bytes, mode, classify: classify);
            if (hashError is not null)
                return (null, hashError);
            context.Response.Headers[QualityHeader] = image!.Pdq.Quality.ToString(CultureInfo.InvariantCulture);
            if (image.Score is { } score)
                ClassifierHeaders.Write(context.Response, score, settings.Classifier!.Manifest);
            plain = image.Pdq.Hash;
            // As vigil match: a PDQ under the trusted quality is not matched (a robust query: each hash by its own quality); the MD5 still is.
            if (mode == QueryMode.Robust)
            {
                (variants, variantNames) = image.Query!.Trusted(PdqResult.MinimumTrustedQuality);
                robust = RobustSearch.For(PdqIndex.DefaultMaxDistance, image.Query.TrustedWholeCount(PdqResult.MinimumTrustedQuality));
            }
            else if (image.Pdq.Quality >= PdqResult.MinimumTrustedQuality)
                variants = mode == QueryMode.Dihedral ? [.. image.Query!.Hashes] : [image.Pdq.Hash];
        }
        if ((wanted & Types.Md5) != 0)
            md5 = bytes.Md5Hex();

        var options = LookupOptions.From(query.Banks, query.Seed, query.BypassCoinflip, query.Include, LookupActions.Wanted(context));
        // Content rows are read only when their labels are asked for (or the action rules need them), as on GET /m/lookup.
        // A robust query's extras match within two thirds of the distance, and it also matches the banks' own variants (crops of their media).
        var outcome = await matcher.MatchAsync(variants, PdqIndex.DefaultMaxDistance, md5, options.NeedsContent, robust, ct);
        var byPdq = new List<BankMatch>(outcome.Matches.Count);
        var byMd5 = new List<BankMatch>();
        foreach (var match in outcome.Matches)
            (match.Signal == SignalType.Md5 ? byMd5 : byPdq).Add(match);
        var result = new Dictionary<string, ByBank>(2, StringComparer.Ordinal);
        var parts = new List<(SignalType, ByBank)>(2);
        if ((wanted & Types.Pdq) != 0)
        {
            var grouped = LookupResponse.Group(new QueryOutcome(byPdq, outcome.SuppressedBy), options, variantNames);
            result[SignalType.Pdq.Name] = grouped;
            parts.Add((SignalType.Pdq, grouped));
        }
        if ((wanted & Types.Md5) != 0)
        {
            var grouped = LookupResponse.Group(new QueryOutcome(byMd5, outcome.SuppressedBy), options);
            if (choice.IsExplicit || grouped.Count > 0)
                result[SignalType.Md5.Name] = grouped;
            parts.Add((SignalType.Md5, grouped));
        }
        LookupResponse.Done(context, [.. parts]);
        if (options.ActionMatches is { Count: > 0 } matches)
        {
            var signals = new Dictionary<string, string>(2, StringComparer.Ordinal);
            if (variants.Length > 0 && plain is { } hash)
                signals[SignalType.Pdq.Name] = hash.ToString();
            if (md5 is not null)
                signals[SignalType.Md5.Name] = md5;
            await LookupActions.RaiseAsync(context, matches, signals, ct);
        }
        return (result, null);
    }

    public async Task<IResult> AddContentAsync(HttpContext context, IBankStore bankStore, IContentStore contentStore, string bankName, string? url, string? contentType,
        string? types, CancellationToken ct)
    {
        if (await bankStore.GetBankAsync(bankName, ct) is null)
            return CurationEndpoints.BankNotFound(bankName);
        // As vigil bank add: PDQ and MD5 for a photo, vPDQ and MD5 for a video.
        if (!TryParseTypes(types, Types.PhotoTypes, Types.VideoTypes, out var choice, out var error))
            return error;

        MediaBuffer? bytes;
        ContentKind kind;
        ContentMetadata? metadata;
        string? fileName = null;
        if (url is not null)
        {
            // HMA reads {"metadata": {...}} from a JSON body with the url form; checked before fetching anything.
            var (body, bodyError) = await ReadMetadataBodyAsync(context, ct);
            if (bodyError is not null)
                return bodyError;
            metadata = body;
            (bytes, kind, var fetchError) = await FetchUrlAsync(url, contentType, ct);
            if (fetchError is not null)
                return fetchError;
        }
        else
        {
            if (!IsMultipart(context.Request, out _))
                return Problems.Result(400, "Neither `url` nor multipart file upload was received",
                    "send the file as multipart/form-data in a field named 'photo' or 'video', or ?url=... (when the operator allows URLs)");
            var (upload, uploadError) = await ReadUploadAsync(context, UploadForm.WithMetadata, ct);
            if (uploadError is not null)
                return uploadError;
            bytes = upload!.Bytes;
            kind = upload.Kind;
            fileName = upload.FileName;
            metadata = null;
            if (upload.Json is { } field)
            {
                var (parsed, metadataError) = JsonBody.Parse(field, ServerJsonContext.Default.ContentMetadata, MetadataProblems);
                if ((metadataError ?? CheckMetadata(parsed!)) is { } problem)
                {
                    upload.Dispose();
                    return problem;
                }
                metadata = parsed;
            }
        }

        using (bytes)
        {
            if (!choice.TryFor(kind, out var wanted, out var typeError))
                return typeError;
            var signals = new List<Signal>(2);
            var stored = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (fileName is not null)
                stored["file_name"] = fileName;
            if (kind == ContentKind.Video)
            {
                var videoError = await AddVideoSignalsAsync(bytes!, wanted, signals, stored, ct);
                if (videoError is not null)
                    return videoError;
            }
            else if ((wanted & Types.Pdq) != 0)
            {
                var (image, hashError) = Hash(bytes!);
                if (hashError is not null)
                    return hashError;
                context.Response.Headers[QualityHeader] = image!.Pdq.Quality.ToString(CultureInfo.InvariantCulture);
                signals.Add(new Signal(SignalType.Pdq, image.Pdq.Hash.ToString()));
                stored["pdq_quality"] = image.Pdq.Quality;
                stored["width"] = image.Width;
                stored["height"] = image.Height;
            }
            if ((wanted & Types.Md5) != 0)
                signals.Add(new Signal(SignalType.Md5, bytes!.Md5Hex()));
            if (metadata?.ContentId is { } contentId)
                stored["content_id"] = contentId;
            if (metadata?.ContentUri is { } contentUri)
                stored["content_uri"] = contentUri;
            if (metadata?.Json is { ValueKind: JsonValueKind.Object } free)
                stored["json"] = free;
            string? sourceId = metadata?.ContentId;
            if (url is not null && !stored.ContainsKey("content_uri"))
                stored["content_uri"] = url;
            try
            {
                var content = await contentStore.AddContentAsync(bankName, new NewContent(signals)
                {
                    Metadata = JsonSerializer.Serialize(stored),
                    Source = "vigil serve",
                    SourceId = sourceId,
                }, ct);
                var json = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var signal in content.Signals)
                    json.TryAdd(signal.Type.Name, signal.Value);
                // HMA's decorator declares 201 but it answers 200.
                return Results.Json(new Dictionary<string, object> { ["id"] = content.Id, ["signals"] = json });
            }
            catch (BankNotFoundException)
            {
                return CurationEndpoints.BankNotFound(bankName);
            }
            catch (DuplicateContentException e)
            {
                return Problems.Result(409, "content already in bank", e.Message);
            }
        }
    }

    /// <summary>HMA's hash answer, <c>{"pdq": "HEX"}</c> (and <c>"md5"</c> when asked for) or a video's <c>vpdq</c> and <c>video_md5</c>, or the problem.</summary>
    private async Task<IResult> HashSignalsAsync(HttpContext context, MediaBuffer bytes, ContentKind kind, TypeChoice choice, CancellationToken ct)
    {
        if (!choice.TryFor(kind, out var wanted, out var typeError))
            return typeError;
        if (kind == ContentKind.Video)
            return await HashVideoAsync(bytes, wanted, ct);
        var json = new Dictionary<string, string>(2, StringComparer.Ordinal);
        if ((wanted & Types.Pdq) != 0)
        {
            var (image, error) = Hash(bytes);
            if (error is not null)
                return error;
            context.Response.Headers[QualityHeader] = image!.Pdq.Quality.ToString(CultureInfo.InvariantCulture);
            json[SignalType.Pdq.Name] = image.Pdq.Hash.ToString();
        }
        if ((wanted & Types.Md5) != 0)
            json[SignalType.Md5.Name] = bytes.Md5Hex();
        return Results.Json(json);
    }

    // ---- uploads ----

    /// <summary>
    /// What a multipart upload carried: the one file (null only when the form allows none), its
    /// content type, its name, and the form's JSON field (add-content's <c>metadata</c>, a case's <c>context</c>).
    /// </summary>
    private sealed record Upload(MediaBuffer? Bytes, ContentKind Kind, string? FileName, byte[]? Json, string? MediaType) : IDisposable
    {
        public void Dispose() => Bytes?.Dispose();
    }

    /// <summary>A multipart form's shape: the JSON field it takes (or none), whether the file may be sent as <c>media</c> (its type from the part's Content-Type) and whether it may be left out.</summary>
    private sealed record UploadForm(string? JsonField, bool MediaField, bool FileOptional)
    {
        public static readonly UploadForm FileOnly = new(null, false, false);
        public static readonly UploadForm WithMetadata = new("metadata", false, false);
        public static readonly UploadForm Case = new("context", true, true);
    }

    private static bool IsMultipart(HttpRequest request, out string? boundary)
    {
        boundary = null;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return false;
        boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        return true;
    }

    /// <summary>
    /// Reads a multipart/form-data body holding one file in a field named by its content type,
    /// never more than the upload limit: a Content-Length over it is refused before reading (so a
    /// client sending <c>Expect: 100-continue</c> never sends the body), Kestrel's limit for this
    /// request is the upload limit plus the multipart overhead, and the file itself is cut off one
    /// byte past the limit.
    /// </summary>
    private async Task<(Upload? Upload, IResult? Error)> ReadUploadAsync(HttpContext context, UploadForm form, CancellationToken ct)
    {
        var request = context.Request;
        if (!IsMultipart(request, out string? boundary))
            return (null, Problems.Result(400, "Missing multipart/form-data file upload",
                "send the file as multipart/form-data in a field named 'photo' or 'video' (curl -F photo=@image.jpg ...)"));
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
            return (null, Problems.Result(400, "Missing multipart/form-data file upload", "the multipart/form-data content type has no valid boundary"));
        if (!RequestBody.TryLimit(context, _limit + MediaEndpoints.MultipartOverheadBytes))
            return (null, TooLarge());

        MediaBuffer? file = null;
        var kind = ContentKind.Photo;
        string? fileName = null;
        string? mediaType = null;
        byte[]? json = null;
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
            int parts = 0;
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
            {
                if (++parts > MaxFormParts)
                    return Fail(Problems.Result(400, "too many form fields", $"send one file in a field named 'photo' or 'video' (at most {MaxFormParts} parts)"));
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    return Fail(Problems.Result(400, "Missing multipart/form-data file upload", "each part needs 'Content-Disposition: form-data; name=...'"));
                string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                bool isFile = disposition.IsFileDisposition() || name is "photo" or "video" || (form.MediaField && name == "media");
                if (!isFile)
                {
                    if (form.JsonField is not null && name == form.JsonField)
                    {
                        using var field = new MediaBuffer(1024);
                        if (!await field.ReadAllAsync(section.Body, MaxFieldBytes, ct))
                            return Fail(Problems.Result(400, $"Invalid {name}", $"the {name} field is over {MaxFieldBytes / 1024} KiB"));
                        if (IsBlank(field.Span))
                            continue;
                        json = field.Span.ToArray();
                    }
                    // Other fields are ignored, as HMA does; the reader skips their bytes.
                    continue;
                }
                if (file is not null)
                    return Fail(Problems.Result(400, "Only one file allowed per request", "send one file, in a field named 'photo' or 'video'"));
                if (form.MediaField && name == "media")
                {
                    // A case's media: its part's Content-Type says whether it is a video.
                    mediaType = section.ContentType is { Length: > 0 and <= 200 } partType ? partType : null;
                    kind = mediaType?.StartsWith("video/", StringComparison.OrdinalIgnoreCase) == true ? ContentKind.Video : ContentKind.Photo;
                }
                else if (name is not ("photo" or "video"))
                    return Fail(Problems.Result(400, $"no such content_type: '{name}'",
                        "the file's form field names its content type: send images as 'photo' and videos as 'video'"));
                else
                    kind = name == "video" ? ContentKind.Video : ContentKind.Photo;
                fileName = CleanFileName(disposition);
                long expected = request.ContentLength ?? 0;
                file = new MediaBuffer((int)Math.Min(Math.Max(expected, 64 * 1024), _limit + 1));
                if (!await file.ReadAllAsync(section.Body, _limit, ct))
                {
                    await DrainAsync(request.Body);
                    return Fail(TooLarge());
                }
            }
        }
        catch (Exception e) when (RequestBody.Problem(e, TooLarge) is { } problem)
        {
            return Fail(problem);
        }
        catch
        {
            file?.Dispose();
            throw;
        }
        if (file is null && !form.FileOptional)
            return (null, Problems.Result(400, "Missing multipart/form-data file upload", "no file in the form: send the file in a field named 'photo' or 'video'"));
        return (new Upload(file, kind, fileName, json, mediaType), null);

        (Upload?, IResult?) Fail(IResult problem)
        {
            file?.Dispose();
            return (null, problem);
        }
    }

    /// <summary>Reads what is left of an oversized body (within Kestrel's limit) so the answer reaches the client on a clean connection.</summary>
    private static async Task DrainAsync(Stream body)
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await body.ReadAsync(scratch, timeout.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // Over Kestrel's limit, cut off or too slow: the connection closes after the answer.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static string? CleanFileName(ContentDispositionHeaderValue disposition)
    {
        var raw = disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName;
        string? name = HeaderUtilities.RemoveQuotes(raw).Value;
        if (string.IsNullOrEmpty(name))
            return null;
        name = Path.GetFileName(name.Replace('\\', '/'));
        return name.Length > 255 ? name[..255] : name;
    }

    private IResult TooLarge() => Problems.Result(413, "Content too large",
        $"the file is over this server's limit of {FormatBytes(_limit)} (vigil serve --max-upload-mb)");

    private static string FormatBytes(long bytes) => bytes % (1024 * 1024) == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");

    /// <summary>How the metadata's problems are worded (as HMA's schema errors).</summary>
    private static readonly JsonBodyProblems MetadataProblems = new()
    {
        UnknownField = field => Problems.Result(400, "Invalid metadata", $"unexpected key '{field}' (allowed: content_id, content_uri, json)"),
        InvalidField = field => Problems.Result(400, "Invalid metadata", $"{field} must be {(field == "json" ? "an object" : "a string")}"),
        NotJsonTitle = "metadata should be a json object",
        NotObjectTitle = "metadata should be a json object",
        NotObjectDetail = "send {\"content_id\": \"...\", \"content_uri\": \"...\", \"json\": {...}}",
    };

    /// <summary>The url form's body words its problems as the form field's, its metadata's keys named without the <c>metadata.</c> in front.</summary>
    private static readonly JsonBodyProblems UrlBodyProblems = new()
    {
        UnknownField = field => field.StartsWith("metadata.", StringComparison.Ordinal)
            ? MetadataProblems.UnknownField!(field["metadata.".Length..])
            : Problems.Result(400, $"unknown field '{field}'", "the body may hold only {\"metadata\": {...}}"),
        InvalidField = field => field.StartsWith("metadata.", StringComparison.Ordinal)
            ? MetadataProblems.InvalidField!(field["metadata.".Length..])
            : MetadataProblems.InvalidField!(field),
        NotObjectDetail = "the body must be a JSON object: {\"metadata\": {...}}",
    };

    private static bool IsBlank(ReadOnlySpan<byte> bytes) => bytes.Trim(" \t\r\n"u8).IsEmpty;

    /// <summary>What the metadata's types cannot say: <c>json</c> must be an object.</summary>
    private static IResult? CheckMetadata(ContentMetadata metadata) =>
        metadata.Json is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) }
            ? Problems.Result(400, "Invalid metadata", "json must be an object")
            : null;

    /// <summary>Reads HMA's optional JSON body of the url form of add-content, <c>{"metadata": {...}}</c> (none unless the body is JSON).</summary>
    private static async Task<(ContentMetadata? Metadata, IResult? Error)> ReadMetadataBodyAsync(HttpContext context, CancellationToken ct)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, null);
        var (bytes, readError) = await RequestBody.ReadAsync(context, MaxFieldBytes,
            () => Problems.Result(413, "Content too large", $"the JSON body is over {MaxFieldBytes / 1024} KiB"), ct);
        if (readError is not null)
            return (null, readError);
        ContentMetadata? metadata;
        using (bytes)
        {
            if (IsBlank(bytes!.Span))
                return (null, null);
            var (body, error) = JsonBody.Parse(bytes.Span, ServerJsonContext.Default.UrlContentBody, UrlBodyProblems);
            if (error is not null)
                return (null, error);
            metadata = body!.Metadata;
        }
        return metadata is not null && CheckMetadata(metadata) is { } problem ? (null, problem) : (metadata, null);
    }

    // ---- URLs ----

    private static HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            // Every hop is checked against the allow-list here, so the handler must not follow any.
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 64,
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Vigil/0.1");
        return client;
    }

    /// <summary>
    /// Fetches an allowed URL, following at most five redirects, each of which must be allowed too,
    /// within the timeout and the upload limit. <paramref name="contentType"/> (or, when absent, the
    /// response's Content-Type) says whether it is a photo or a video, as HMA decides it.
    /// </summary>
    private async Task<(MediaBuffer? Bytes, ContentKind Kind, IResult? Error)> FetchUrlAsync(string? url, string? contentType, CancellationToken ct)
    {
        if (allowList.IsEmpty)
            return (null, default, Problems.Result(403, "fetching URLs is off",
                "this server fetches no URLs; the operator can allow URL prefixes with 'vigil serve --allow-hash-url https://host/path/' (ServerSettings.HashUrlAllowList), or upload the file with POST"));
        if (string.IsNullOrEmpty(url))
            return (null, default, Problems.Result(400, "url is required", "e.g. /h/hash?url=https://media.example.org/uploads/image.jpg"));
        ContentKind? kind = null;
        if (contentType is not null)
        {
            if (!TryContentTypeParam(contentType, out var named, out var typeProblem))
                return (null, default, typeProblem);
            kind = named;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return (null, default, Problems.Result(400, "Invalid or unsafe URL provided", "give an absolute http or https URL"));
        if (!allowList.IsAllowed(uri, out string? why))
            return (null, default, Problems.Result(403, "URL not allowed", why));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.HashUrlTimeout);
        MediaBuffer? bytes = null;
        try
        {
            for (int hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                int status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308)
                {
                    if (hop == MaxRedirects)
                        return (null, default, Problems.Result(502, "Failed to fetch URL", $"more than {MaxRedirects} redirects"));
                    if (response.Headers.Location is not { } location)
                        return (null, default, Problems.Result(502, "Failed to fetch URL", $"the server answered {status} without a Location"));
                    var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    if (!allowList.IsAllowed(next, out string? redirectWhy))
                        return (null, default, Problems.Result(403, "redirect not allowed",
                            $"{uri.GetLeftPart(UriPartial.Path)} redirected elsewhere, and {redirectWhy}; nothing was fetched there"));
                    uri = next;
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    return (null, default, Problems.Result(502, "Failed to fetch URL", $"the server answered {status} {response.ReasonPhrase}"));
                if (kind is null)
                {
                    if (!TryContentTypeHeader(response.Content.Headers.ContentType?.MediaType, out var fromHeader, out var headerProblem))
                        return (null, default, headerProblem);
                    kind = fromHeader;
                }
                if (response.Content.Headers.ContentLength > _limit)
                    return (null, default, TooLarge());
                bytes = new MediaBuffer((int)Math.Min(Math.Max(response.Content.Headers.ContentLength ?? 0, 64 * 1024), _limit + 1));
                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                if (!await bytes.ReadAllAsync(stream, _limit, timeout.Token))
                {
                    bytes.Dispose();
                    return (null, default, TooLarge());
                }
                var done = bytes;
                bytes = null;
                return (done, kind ?? ContentKind.Photo, null);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, default, Problems.Result(504, "Failed to fetch URL",
                string.Create(CultureInfo.InvariantCulture, $"no complete answer within {settings.HashUrlTimeout.TotalSeconds:0.#} s")));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return (null, default, Problems.Result(502, "Failed to fetch URL", e.Message));
        }
        finally
        {
            bytes?.Dispose();
        }
    }

    /// <summary>HMA's <c>content_type</c> query parameter: <c>photo</c> or <c>video</c>.</summary>
    private static bool TryContentTypeParam(string contentType, out ContentKind kind, [NotNullWhen(false)] out IResult? error)
    {
        kind = contentType == "video" ? ContentKind.Video : ContentKind.Photo;
        error = contentType is "photo" or "video" ? null
            : Problems.Result(400, $"no such content_type: '{contentType}'", "Vigil hashes content_type photo and video");
        return error is null;
    }

    /// <summary>Without <c>content_type</c>, HMA takes it from the download's Content-Type: <c>image*</c> is a photo, <c>video*</c> a video.</summary>
    private static bool TryContentTypeHeader(string? mediaType, out ContentKind kind, [NotNullWhen(false)] out IResult? error)
    {
        error = null;
        kind = ContentKind.Photo;
        if (mediaType is not null && mediaType.StartsWith("image", StringComparison.OrdinalIgnoreCase))
            return true;
        kind = ContentKind.Video;
        if (mediaType is not null && mediaType.StartsWith("video", StringComparison.OrdinalIgnoreCase))
            return true;
        error = Problems.Result(400, $"unsupported url ContentType: '{mediaType}'",
            "if you know the expected type, provide it with the content_type query param (content_type=photo or content_type=video)");
        return false;
    }

    // ---- decoding and hashing ----

    /// <summary>
    /// A decoded and hashed image: its plain PDQ and quality, and for a dihedral or robust query every hash it is matched by
    /// (index 0 the plain hash), with their names.
    /// </summary>
    private sealed record HashedImage(PdqResult Pdq, QueryHashes? Query, int Width, int Height)
    {
        /// <summary>When asked for: the classifier's score, from the same decoded pixels.</summary>
        public Vigil.Classifiers.MediaScore? Score { get; init; }
    }

    /// <summary>One decoder and hasher; neither is thread-safe, so each request takes one from the pool.</summary>
    private sealed class MediaWorker(DecodeCompat compat) : IDisposable
    {
        public ImageDecoder Decoder { get; } = new(new DecodeOptions { Compat = compat });

        public QueryHasher Hasher { get; } = new();

        public void Dispose() => Decoder.Dispose();
    }

    private (HashedImage? Image, IResult? Error) Hash(MediaBuffer bytes, QueryMode mode = QueryMode.Plain, bool classify = false)
    {
        var key = RecentPhotoHashes.KeyOf(bytes.Span);
        if (mode == QueryMode.Plain && !classify && _recent.TryGet(key, out var known))
            return (new HashedImage(known.Pdq, null, known.Width, known.Height), null);
        MediaWorker? worker = null;
        bool healthy = false;
        try
        {
            if (!_workers.TryDequeue(out worker))
                worker = new MediaWorker(settings.Compat);
            HashedImage hashed;
            using (var image = worker.Decoder.Decode(bytes.Span))
            {
                var query = worker.Hasher.Hash(image, mode);
                hashed = new HashedImage(new PdqResult(query.Hashes[0], query.Qualities[0]), mode == QueryMode.Plain ? null : query, image.Width, image.Height)
                {
                    // A model sees the decoded pixels the hash saw: no second decode. (ONNX models run in place; a vendor's call blocks this worker.)
                    Score = classify ? settings.Classifier!.ClassifyAsync([image]).GetAwaiter().GetResult()[0] : null,
                };
            }
            healthy = true;
            _recent.Add(key, new RecentPhotoHashes.Entry(hashed.Pdq, hashed.Width, hashed.Height));
            return (hashed, null);
        }
        catch (ImageDecodeException e)
        {
            healthy = true;
            return (null, DecodeProblem(e));
        }
        catch (Vigil.Classifiers.ClassifierException e)
        {
            healthy = true;
            return (null, ClassifierFailed(e));
        }
        catch (DllNotFoundException e)
        {
            logger.LogError("image decoding is not available: {Reason}", e.Message);
            return (null, Problems.Result(503, "image decoding is not available", e.Message));
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Untrusted input must never become a 500; the decoder that failed this way is not reused.
            logger.LogError(e, "unexpected error decoding an upload of {Bytes} bytes", bytes.Length);
            return (null, Problems.Result(422, "could not decode image", "the image could not be decoded"));
        }
        finally
        {
            if (worker is not null)
            {
                if (healthy && _workers.Count < Environment.ProcessorCount)
                    _workers.Enqueue(worker);
                else
                    worker.Dispose();
            }
        }
    }

    private static IResult DecodeProblem(ImageDecodeException e) => e.Kind switch
    {
        DecodeErrorKind.Empty => Problems.Result(400, "empty file", "the uploaded file has no bytes"),
        DecodeErrorKind.NotAnImage => Problems.Result(415, "not an image",
            $"{e.Message}; Vigil hashes JPEG, PNG, GIF, WebP, BMP and TIFF images (HEIC and AVIF where the server's libraries can)"),
        DecodeErrorKind.UnsupportedFormat => Problems.Result(415, "unsupported image format", e.Message),
        DecodeErrorKind.TooLarge => Problems.Result(422, "image too large", e.Message),
        DecodeErrorKind.Truncated => Problems.Result(422, "truncated image", e.Message),
        DecodeErrorKind.Corrupt => Problems.Result(422, "corrupt image", e.Message),
        _ => Problems.Result(422, "could not decode image", e.Message),
    };

    // ---- small helpers ----

    /// <summary>
    /// HMA's <c>types</c>: comma-separated signal types, blanks skipped. Photos have pdq (and, in
    /// Vigil, md5), videos vpdq and video_md5; which of them apply is settled once the content type is known.
    /// </summary>
    private static bool TryParseTypes(string? types, Types photoDefaults, Types videoDefaults, out TypeChoice choice,
        [NotNullWhen(false)] out IResult? error)
    {
        error = null;
        choice = new TypeChoice(Types.None, photoDefaults, videoDefaults, types);
        if (types is null)
            return true;
        var chosen = Types.None;
        foreach (string raw in types.Split(','))
        {
            string name = raw.Trim();
            if (name.Length == 0)
                continue;
            Types type = !SignalType.TryFromName(name, out var known) ? Types.None
                : known == SignalType.Pdq ? Types.Pdq
                : known == SignalType.Md5 ? Types.Md5
                : known == SignalType.Vpdq ? Types.Vpdq
                : known == SignalType.VideoMd5 ? Types.VideoMd5
                : Types.None;
            if (type == Types.None)
            {
                error = Problems.Result(400, $"signal type '{name}' doesn't exist or is disabled", "photos are hashed with pdq (and md5), videos with vpdq and video_md5");
                return false;
            }
            chosen |= type;
        }
        if (chosen == Types.None)
        {
            error = Problems.Result(400, "empty signal type selection", "e.g. types=pdq, types=pdq,md5 or types=vpdq");
            return false;
        }
        choice = choice with { Chosen = chosen };
        return true;
    }

    /// <summary>The answer when the classifier failed on an upload: logged, and a 502 saying why.</summary>
    private IResult ClassifierFailed(Vigil.Classifiers.ClassifierException e)
    {
        logger.LogWarning("the classifier failed: {Reason}", e.Message);
        return Problems.Result(502, "the classifier failed", e.Message);
    }

    /// <summary>A 503 when this server was started without <c>--classifier</c> (a request asked for a score it cannot give).</summary>
    private IResult? ClassifierMissing() => settings.Classifier is null
        ? Problems.Result(503, "this server has no classifier", "start it with --classifier MANIFEST (docs/classifiers.md) to score uploads sent with classify=true")
        : null;

    private static bool IsTrue(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");


    public void Dispose()
    {
        _http.Dispose();
        _videos.Dispose();
        while (_workers.TryDequeue(out var worker))
            worker.Dispose();
    }
}
