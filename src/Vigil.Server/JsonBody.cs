using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Vigil.Server;

/// <summary>
/// The one body-reading path of every JSON endpoint (and of the <c>metadata</c> form field): the
/// body is read within <see cref="ServerSettings.MaxJsonBodyBytes"/> through <see cref="RequestBody"/>
/// (413 over it, 400 for a broken chunked body), checked by <see cref="StrictJson"/> (UTF-8, lone
/// surrogates, syntax, unknown keys named) and deserialized into the endpoint's record by the
/// source-generated <see cref="ServerJsonContext"/>, a value of the wrong type named by its path.
/// Every failure is a 400 (or 413) problem document.
/// </summary>
internal static class JsonBody
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads the request's JSON body as <typeparamref name="T"/> within the server's JSON limit.</summary>
    public static Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type, JsonBodyProblems? problems,
        CancellationToken cancellationToken) where T : class
    {
        // No body at all is left to the parser (400, nothing to read); a body of another type is refused unread.
        bool hasBody = context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0;
        if (hasBody && !IsJson(context.Request.ContentType))
        {
            return Task.FromResult<(T?, IResult?)>((null, Problems.Result(StatusCodes.Status415UnsupportedMediaType, "JSON body required",
                $"send the body as Content-Type: application/json, not {(string.IsNullOrEmpty(context.Request.ContentType) ? "without a content type" : context.Request.ContentType)}")));
        }
        long limit = context.RequestServices.GetRequiredService<ServerSettings>().MaxJsonBodyBytes;
        return ReadAsync(context, type, problems, limit, () => Problems.Result(413, "Content too large",
            $"the JSON body is over this server's limit of {limit:N0} bytes"), cancellationToken);
    }

    /// <summary>Reads the request's JSON body as <typeparamref name="T"/> within <paramref name="limit"/> bytes.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type, JsonBodyProblems? problems,
        long limit, Func<IResult> tooLarge, CancellationToken cancellationToken) where T : class
    {
        var (bytes, error) = await RequestBody.ReadAsync(context, limit, tooLarge, cancellationToken);
        if (error is not null)
            return (null, error);
        using (bytes)
            return Parse(bytes!.Span, type, problems);
    }

    /// <summary>application/json, or any type with a +json suffix (application/merge-patch+json, say), with any parameters.</summary>
    internal static bool IsJson(string? contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media))
            return false;
        var type = media.MediaType;
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
               (type.HasValue && type.Value!.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.Value.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Checks and deserializes JSON text as <typeparamref name="T"/>, or gives the problem.</summary>
    public static (T? Value, IResult? Error) Parse<T>(ReadOnlySpan<byte> utf8, JsonTypeInfo<T> type, JsonBodyProblems? problems) where T : class
    {
        problems ??= JsonBodyProblems.Default;
        if (utf8.StartsWith(Utf8Bom))
            utf8 = utf8[Utf8Bom.Length..];
        if (StrictJson.Validate(utf8, type) is { } invalid)
        {
            return (null, invalid.Kind == StrictJsonErrorKind.UnknownField
                ? problems.UnknownField?.Invoke(invalid.Path!) ?? Problems.Result(400, $"unknown field '{invalid.Path}'", AllowedFields(type, invalid.Path!))
                : Problems.Result(400, problems.NotJsonTitle, invalid.Message));
        }
        try
        {
            var value = JsonSerializer.Deserialize(utf8, type);
            return value is null ? (null, NotObject(problems)) : (value, null);
        }
        catch (JsonException e)
        {
            // Syntax and keys are checked above: what is left is a value of the wrong type, at e.Path.
            string path = e.Path is null or "$" ? "" : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path.TrimStart('$');
            if (path.Length == 0)
                return (null, NotObject(problems));
            return (null, problems.InvalidField?.Invoke(path) ?? Problems.Result(400, $"invalid {path}", $"'{path}' has a value of the wrong type"));
        }
    }

    private static IResult NotObject(JsonBodyProblems problems) => Problems.Result(400, problems.NotObjectTitle, problems.NotObjectDetail);

    private static string AllowedFields(JsonTypeInfo type, string path)
    {
        // The keys allowed beside the unknown one (at the root; nested records say so in their own wording).
        return path.Contains('.') ? "this object has no such key" : $"allowed: {string.Join(", ", type.Properties.Select(p => p.Name))}";
    }
}
