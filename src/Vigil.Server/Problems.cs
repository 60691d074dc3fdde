using Microsoft.AspNetCore.Http;

namespace Vigil.Server;

/// <summary>RFC 7807 problem documents for every error the service answers itself.</summary>
public static class Problems
{
    /// <summary>A problem result for an endpoint.</summary>
    public static IResult Result(int status, string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: status);

    /// <summary>Writes a problem document straight to the response (for middleware).</summary>
    public static Task Write(HttpContext context, int status, string title, string detail) =>
        Result(status, title, detail).ExecuteAsync(context);
}
