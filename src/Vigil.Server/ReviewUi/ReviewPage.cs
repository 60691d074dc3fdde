using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Vigil.Storage;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// The reviewer UI's page frame: the layout every page shares, its headers (a strict Content
/// Security Policy: scripts, styles and media from this server only, no inline script), and the one
/// CSS and one JS file, embedded in this assembly and served from <c>/review/static/</c>.
/// </summary>
public static class ReviewPage
{
    /// <summary>
    /// The policy every <c>/review</c> answer carries: nothing from elsewhere, no inline script or style, no framing
    /// (blob: for images and video: a reveal shows the clear bytes it fetched, never a URL the browser could cache).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; media-src 'self' blob:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>An embedded static file: its bytes, type and a short hash of its content (for cache-busting URLs).</summary>
    internal sealed record Asset(byte[] Bytes, string ContentType, string Version);

    /// <summary>The static files by name.</summary>
    internal static readonly IReadOnlyDictionary<string, Asset> Assets = new Dictionary<string, Asset>(StringComparer.Ordinal)
    {
        ["review.css"] = Load("review.css", "text/css; charset=utf-8"),
        ["review.js"] = Load("review.js", "text/javascript; charset=utf-8"),
    };

    /// <summary>A static file's URL, with its content's hash so that a long cache never serves an old one.</summary>
    public static string AssetUrl(string name) => $"/review/static/{name}?v={Assets[name].Version}";

    /// <summary>Who is looking at a page: the request's key and, when it came with one, its session.</summary>
    /// <param name="Key">The authenticated key.</param>
    /// <param name="Session">The session (null when the request carried the key itself).</param>
    public sealed record Viewer(ApiKey Key, ReviewSession? Session)
    {
        /// <summary>Whether the viewer is an admin (sees the wellness summary and deliveries, and retries reports).</summary>
        public bool IsAdmin => Key.Role == ApiKeyRole.Admin;

        /// <summary>The hidden CSRF field for a form (empty without a session: a key in a header needs none).</summary>
        public Html CsrfField => Session is null ? Html.Empty : ReviewCsrf.Field(Session);
    }

    /// <summary>The viewer of an authenticated request (the auth middleware has set the key).</summary>
    public static Viewer ViewerOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.Items[ApiKeyAuthentication.ItemKey] as ApiKey
            ?? throw new InvalidOperationException("the page is reachable without a key: it needs RequiresRole");
        return new Viewer(key, context.Items[ReviewSessions.ItemKey] as ReviewSession);
    }

    /// <summary>The answer of a page: the layout around <paramref name="body"/>.</summary>
    /// <param name="title">The page's title.</param>
    /// <param name="body">Its content.</param>
    /// <param name="viewer">Who is signed in (null on the login and error pages).</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="bodyData">Attributes for the body element (data for the script: no inline script is allowed).</param>
    public static IResult Result(string title, Html body, Viewer? viewer = null, int status = StatusCodes.Status200OK, Html bodyData = default) =>
        new PageResult(Layout(title, body, viewer, bodyData), status);

    /// <summary>Writes a page straight to the response (for middleware).</summary>
    public static Task WriteAsync(HttpContext context, string title, Html body, int status) =>
        Result(title, body, status: status).ExecuteAsync(context);

    /// <summary>Sets the headers every <c>/review</c> answer carries.</summary>
    public static void SetSecurityHeaders(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
        response.Headers["Cross-Origin-Resource-Policy"] = "same-origin";
    }

    private static Html Layout(string title, Html body, Viewer? viewer, Html bodyData)
    {
        var nav = Html.Empty;
        var csrfMeta = Html.Empty;
        if (viewer is not null)
        {
            var admin = viewer.IsAdmin
                ? Html.Raw("<a href=\"/review/wellness\">Wellness</a><a href=\"/review/deliveries\">Deliveries</a>")
                : Html.Empty;
            var logout = viewer.Session is null
                ? Html.Empty
                : Html.Of($"<form method=\"post\" action=\"/review/logout\" class=\"inline\">{viewer.CsrfField}<button type=\"submit\">Sign out</button></form>");
            nav = Html.Of($"""
                <nav aria-label="Review">
                <a href="/review/queue">Queue</a><a href="/review/settings">My settings</a>{admin}<a href="/review/reports">Reports</a>
                <span class="who">Signed in as <b>{viewer.Key.Name}</b> ({ApiKeySecrets.RoleName(viewer.Key.Role)})</span>{logout}
                </nav>
                """);
            if (viewer.Session is not null)
                csrfMeta = Html.Of($"<meta name=\"csrf-token\" content=\"{viewer.Session.CsrfToken}\">\n");
        }
        return Html.Of($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            {csrfMeta}<title>{title} · Vigil review</title>
            <link rel="stylesheet" href="{AssetUrl("review.css")}">
            <script src="{AssetUrl("review.js")}" defer></script>
            </head>
            <body {bodyData}>
            <header><a class="brand" href="/review">Vigil review</a>{nav}</header>
            <main>
            <h1>{title}</h1>
            {body}
            </main>
            </body>
            </html>
            """);
    }

    private static Asset Load(string name, string contentType)
    {
        using var stream = typeof(ReviewPage).Assembly.GetManifestResourceStream($"Vigil.Server.ReviewUi.Static.{name}")
            ?? throw new InvalidOperationException($"the embedded file {name} is missing");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] bytes = buffer.ToArray();
        return new Asset(bytes, contentType, Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]);
    }

    private sealed class PageResult(Html page, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            // Pages show case details: never cached, by the browser or anything between.
            response.Headers.CacheControl = "no-store";
            SetSecurityHeaders(response);
            return response.WriteAsync(page.ToString(), Encoding.UTF8);
        }
    }
}
