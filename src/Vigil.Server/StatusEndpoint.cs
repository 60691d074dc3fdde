using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Vigil.Server;

/// <summary>
/// <c>GET /status</c> (and HEAD), the only endpoint that needs no key: HMA's plain-text
/// <c>I-AM-ALIVE</c> (200) or <c>INDEX-STALE</c> (503) for every client, as load balancers expect;
/// a client whose Accept header asks for <c>application/json</c> gets the same word and status code
/// in a JSON body, with what the report worker knows of the CyberTipline (null when this server does
/// not report).
/// </summary>
internal static class StatusEndpoint
{
    public const string Alive = "I-AM-ALIVE";
    public const string Stale = "INDEX-STALE";

    /// <summary>Maps the endpoint.</summary>
    public static void Map(WebApplication app)
    {
        // For HEAD, Kestrel sends the status and headers without the body.
        app.MapMethods("/status", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, MatcherHost host) =>
        {
            bool alive = host.Matcher is not null;
            int status = alive ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            string word = alive ? Alive : Stale;
            if (!WantsJson(context.Request))
                return Results.Text(word, "text/plain", statusCode: status);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new StatusJson(word, ReportingStatusView.Of(context.RequestServices)), ReportJsonContext.Default.StatusJson,
                statusCode: status);
        });
    }

    /// <summary>
    /// Whether the Accept header names <c>application/json</c> (q above 0) and does not prefer
    /// <c>text/plain</c> to it. Wildcards (<c>*/*</c>) and a missing or unreadable header keep the plain text.
    /// </summary>
    internal static bool WantsJson(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
            return false;
        double json = -1, text = -1;
        foreach (var type in accepted)
        {
            double q = type.Quality ?? 1;
            if (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
                json = Math.Max(json, q);
            else if (type.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
                text = Math.Max(text, q);
        }
        return json > 0 && json >= text;
    }
}
