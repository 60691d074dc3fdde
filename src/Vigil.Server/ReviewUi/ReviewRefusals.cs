using Microsoft.AspNetCore.Http;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// How refusals (401, 403, 404) look under <c>/review</c>: a browser asking for a page (Accept names
/// <c>text/html</c>) gets a page, and a 401 for a GET a redirect to the login page; everyone else, the
/// page's own fetches included, gets the same RFC 7807 problem as the rest of the API.
/// </summary>
public static class ReviewRefusals
{
    /// <summary>Whether the request is for the reviewer UI.</summary>
    public static bool IsReviewPath(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Path.StartsWithSegments(ReviewSessions.CookiePath, StringComparison.Ordinal);
    }

    /// <summary>Whether a page (rather than a problem document) is the answer the request wants.</summary>
    public static bool WantsPage(HttpContext context) =>
        IsReviewPath(context) && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes a refusal: a page or a redirect to login for a browser under <c>/review</c>, else a problem.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!WantsPage(context))
            return Problems.Write(context, status, title, detail);
        if (status == StatusCodes.Status401Unauthorized && HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = "/review/login?next=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString);
            context.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }
        var body = Html.Of($"<p class=\"refusal\">{detail}</p><p><a href=\"/review\">Back to the queue</a></p>");
        return ReviewPage.WriteAsync(context, title, body, status);
    }

    /// <summary>A 404 for an id the viewer cannot see (or that does not exist: the two are not told apart).</summary>
    public static IResult NotFound(HttpContext context, string what)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WantsPage(context)
            ? ReviewPage.Result("Not found", Html.Of($"<p class=\"refusal\">There is no {what} here.</p><p><a href=\"/review\">Back to the queue</a></p>"),
                ReviewPage.ViewerOf(context), StatusCodes.Status404NotFound)
            : Problems.Result(StatusCodes.Status404NotFound, $"no such {what}", $"there is no {what} with that id");
    }

    /// <summary>Tells the browser to forget the session cookie.</summary>
    public static void ClearSessionCookie(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Delete(ReviewSessions.CookieName, SessionCookie(context, DateTimeOffset.UnixEpoch));
    }

    /// <summary>The options of the session cookie: HttpOnly, SameSite=Strict, Secure on https, only under <c>/review</c>.</summary>
    public static CookieOptions SessionCookie(HttpContext context, DateTimeOffset? expires)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = ReviewSessions.CookiePath,
            Expires = expires,
            IsEssential = true,
        };
    }
}
