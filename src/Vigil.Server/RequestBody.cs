using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Vigil.Server;

/// <summary>
/// The one way request bodies are read within a limit, for uploads and JSON alike: a declared
/// Content-Length over the limit is refused before anything is read (so a client sending
/// <c>Expect: 100-continue</c> never sends the body), Kestrel's limit for the request is set just
/// past it, and what the connection does wrong while the body is read (a chunked body cut off or
/// badly framed, a body over Kestrel's limit) is a 400 or 413 problem, never a 500.
/// </summary>
internal static class RequestBody
{
    /// <summary>
    /// Refuses a Content-Length over <paramref name="limit"/> (false) and otherwise sets Kestrel's
    /// body limit for this request to one byte past it, so "over" can be told from "at".
    /// </summary>
    public static bool TryLimit(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit)
            return false;
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = limit + 1;
        return true;
    }

    /// <summary>
    /// The problem for an exception thrown while a body was read: Kestrel's 413 is
    /// <paramref name="tooLarge"/>, a malformed body (bad chunk framing, cut off) a 400; null for
    /// exceptions that are not about the body.
    /// </summary>
    public static IResult? Problem(Exception exception, Func<IResult> tooLarge) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => tooLarge(),
        BadHttpRequestException e => Problems.Result(400, "bad request body", e.Message),
        InvalidDataException or IOException => Problems.Result(400, "malformed request body", exception.Message),
        _ => null,
    };

    /// <summary>Reads the whole body, at most <paramref name="limit"/> bytes; over it, <paramref name="tooLarge"/>.</summary>
    public static async Task<(MediaBuffer? Bytes, IResult? Error)> ReadAsync(HttpContext context, long limit, Func<IResult> tooLarge,
        CancellationToken cancellationToken)
    {
        if (!TryLimit(context, limit))
            return (null, tooLarge());
        var buffer = new MediaBuffer((int)Math.Min(Math.Max(context.Request.ContentLength ?? 0, 1024), limit + 1));
        try
        {
            if (await buffer.ReadAllAsync(context.Request.Body, limit, cancellationToken))
            {
                var done = buffer;
                buffer = null;
                return (done, null);
            }
            return (null, tooLarge());
        }
        catch (Exception e) when (Problem(e, tooLarge) is { } problem)
        {
            return (null, problem);
        }
        finally
        {
            buffer?.Dispose();
        }
    }
}
