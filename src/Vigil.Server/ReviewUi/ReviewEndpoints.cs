using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Storage;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// The reviewer web UI under <c>/review</c>: login and logout, the static files, the break reminder.
/// Pages are plain HTML written here with every value encoded (<see cref="Html"/>); the one script
/// (review.js) adds keyboard shortcuts, reveal and exposure timing, and the break overlay.
/// </summary>
public static class ReviewEndpoints
{
    /// <summary>The pre-login cookie whose value the login form must repeat (login CSRF: no session exists yet).</summary>
    public const string LoginCookieName = "vigil_login";

    /// <summary>Reviewers and admins (admin is always accepted).</summary>
    internal static readonly RequiresRole Reviewers = new(ApiKeyRole.Reviewer);

    /// <summary>Admins only.</summary>
    internal static readonly RequiresRole Admins = new();

    /// <summary>Puts the strict headers on every answer under <c>/review</c>, refusals and redirects included (before authentication).</summary>
    public static void UseHeaders(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            if (ReviewRefusals.IsReviewPath(context))
                ReviewPage.SetSecurityHeaders(context.Response);
            return next(context);
        });
    }

    /// <summary>Maps the UI's routes.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/review/static/{name}", Static);
        app.MapGet("/review/login", LoginPage);
        app.MapPost("/review/login", LoginAsync).DisableAntiforgery();
        app.MapGet(ReviewLoginLinks.Route, LoginOnceAsync);
        app.MapPost("/review/logout", Logout).WithMetadata(Reviewers);
        app.MapPost("/review/break", Break).WithMetadata(Reviewers);
        QueuePage.Map(app);
        CasePages.Map(app);
        WellnessPages.Map(app);
        DeliveriesPage.Map(app);
        ReportsPage.Map(app);
    }

    /// <summary>The attributes the layout puts on the body for review.js: the break reminder's timing and URL.</summary>
    public static Html BodyData(ReviewPage.Viewer viewer, ReviewBreaks breaks, ServerSettings settings, Html more = default)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(breaks);
        ArgumentNullException.ThrowIfNull(settings);
        long dueIn = Math.Max(0, (long)breaks.Touch(viewer.Key.Name).TotalMilliseconds);
        return Html.Of($"data-break-due-ms=\"{dueIn}\" data-break-every-ms=\"{(long)settings.Review.BreakInterval.TotalMilliseconds}\" data-break-url=\"/review/break\" {more}");
    }

    private static IResult Static(string name, HttpContext context)
    {
        if (!ReviewPage.Assets.TryGetValue(name, out var asset))
            return Problems.Result(StatusCodes.Status404NotFound, "no such file", $"there is no static file '{name}'");
        // The URL carries the content's hash, so the file may be cached for good.
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        context.Response.Headers.ETag = $"\"{asset.Version}\"";
        if (context.Request.Headers.IfNoneMatch.ToString() == $"\"{asset.Version}\"")
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static IResult LoginPage(HttpContext context, string? next) => LoginForm(context, next, null, StatusCodes.Status200OK);

    private static IResult LoginForm(HttpContext context, string? next, string? error, int status)
    {
        string token = ReviewSessions.NewToken();
        context.Response.Cookies.Append(LoginCookieName, token, ReviewRefusals.SessionCookie(context, null));
        var message = error is null ? Html.Empty : Html.Of($"<p class=\"refusal\" role=\"alert\">{error}</p>");
        var body = Html.Of($"""
            {message}
            <form method="post" action="/review/login" class="login">
            <input type="hidden" name="{ReviewSessions.CsrfField}" value="{token}">
            <input type="hidden" name="next" value="{SafeNext(next)}">
            <label for="key">Reviewer key</label>
            <input id="key" name="key" type="password" autocomplete="off" required autofocus>
            <button type="submit">Sign in</button>
            </form>
            <p class="hint">Your key comes from your admin (<code>vigil apikey create --role reviewer</code>). It is exchanged for a session and is not kept in the browser.</p>
            """);
        return ReviewPage.Result("Sign in", body, status: status);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, IApiKeyStore keys, ReviewSessions sessions, FailedKeyLimiter failures,
        TimeProvider clock, ILoggerFactory loggers)
    {
        if (await ReadFormAsync(context, context.RequestAborted) is not { } form)
            return FormExpected();
        string? next = form["next"];
        // Login CSRF: the form must repeat the cookie the login page set, so no other site can sign a browser in.
        string? expected = context.Request.Cookies[LoginCookieName];
        string? given = form[ReviewSessions.CsrfField];
        if (expected is null || given is null ||
            !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given)))
        {
            return ReviewRefusals.WantsPage(context)
                ? LoginForm(context, next, "The form expired. Please sign in again.", StatusCodes.Status403Forbidden)
                : Problems.Result(StatusCodes.Status403Forbidden, "CSRF token missing or wrong", "post the form the login page served, with its cookie");
        }
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (failures.IsLimited(address))
        {
            context.Response.Headers.RetryAfter = "1";
            return Problems.Result(StatusCodes.Status429TooManyRequests, "too many failed keys", "this address sent too many unknown, revoked or expired keys lately; try again in a second");
        }
        string secret = form["key"].ToString().Trim();
        string hash = ApiKeySecrets.Hash(secret);
        var key = secret.Length == 0 ? null : await keys.FindApiKeyAsync(hash, context.RequestAborted);
        if (key is null || !key.IsValidAt(clock.GetUtcNow()))
        {
            // The same budget as a bad key in a header: the login form is no way around it.
            failures.RecordFailure(address);
            loggers.CreateLogger(typeof(ReviewEndpoints).FullName!).LogWarning("401 for POST /review/login from {Remote}: {Why}", address,
                key is null ? "unknown key" : $"revoked or expired key '{key.Name}'");
            return ReviewRefusals.WantsPage(context)
                ? LoginForm(context, next, "That key is not valid.", StatusCodes.Status401Unauthorized)
                : Problems.Result(StatusCodes.Status401Unauthorized, "API key not valid", "the key is unknown, revoked or expired");
        }
        if (key.Role is not (ApiKeyRole.Reviewer or ApiKeyRole.Admin))
        {
            context.Items[ApiKeyAuthentication.RefusedItemKey] = key;
            return ReviewRefusals.WantsPage(context)
                ? LoginForm(context, next, $"The key '{key.Name}' is {ApiKeySecrets.RoleName(key.Role)}; the review pages need a reviewer or admin key.", StatusCodes.Status403Forbidden)
                : Problems.Result(StatusCodes.Status403Forbidden, "role not allowed", $"the review pages need one of: admin, reviewer; the key '{key.Name}' is {ApiKeySecrets.RoleName(key.Role)}");
        }
        // A new session for every login (never one the browser brought along), and the one it had ends.
        if (sessions.Find(context.Request.Cookies[ReviewSessions.CookieName]) is { } previous)
            sessions.End(previous);
        var (cookie, _) = sessions.Open(key, hash);
        // The login is audited under the key's name, like any request the key makes.
        context.Items[ApiKeyAuthentication.ItemKey] = key;
        context.Response.Cookies.Delete(LoginCookieName, ReviewRefusals.SessionCookie(context, DateTimeOffset.UnixEpoch));
        context.Response.Cookies.Append(ReviewSessions.CookieName, cookie, ReviewRefusals.SessionCookie(context, null));
        return Results.Redirect(SafeNext(next), permanent: false, preserveMethod: false);
    }

    /// <summary>A one-time link (<see cref="ReviewLoginLinks"/>): its token opens a session for its key, once.</summary>
    private static async Task<IResult> LoginOnceAsync(HttpContext context, string? token, ReviewLoginLinks links, IApiKeyStore keys, ReviewSessions sessions,
        FailedKeyLimiter failures, TimeProvider clock)
    {
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (failures.IsLimited(address))
        {
            context.Response.Headers.RetryAfter = "1";
            return Problems.Result(StatusCodes.Status429TooManyRequests, "too many failed keys", "this address sent too many unknown, revoked or expired keys lately; try again in a second");
        }
        string? hash = links.Redeem(token);
        var key = hash is null ? null : await keys.FindApiKeyAsync(hash, context.RequestAborted);
        if (key is null || !key.IsValidAt(clock.GetUtcNow()) || key.Role is not (ApiKeyRole.Reviewer or ApiKeyRole.Admin))
        {
            failures.RecordFailure(address);
            return ReviewRefusals.WantsPage(context)
                ? LoginForm(context, "/review", "That sign-in link was used already or has expired. Sign in with your key.", StatusCodes.Status410Gone)
                : Problems.Result(StatusCodes.Status410Gone, "sign-in link not valid", "the link is unknown, used already or expired (each works once); sign in with your key");
        }
        if (sessions.Find(context.Request.Cookies[ReviewSessions.CookieName]) is { } previous)
            sessions.End(previous);
        var (cookie, _) = sessions.Open(key, hash!);
        context.Items[ApiKeyAuthentication.ItemKey] = key;
        context.Response.Cookies.Append(ReviewSessions.CookieName, cookie, ReviewRefusals.SessionCookie(context, null));
        return Results.Redirect("/review", permanent: false, preserveMethod: false);
    }

    private static IResult Logout(HttpContext context, ReviewSessions sessions)
    {
        if (context.Items[ReviewSessions.ItemKey] is ReviewSession session)
            sessions.End(session);
        ReviewRefusals.ClearSessionCookie(context);
        return Results.Redirect("/review/login");
    }

    private static IResult Break(HttpContext context, ReviewBreaks breaks)
    {
        var viewer = ReviewPage.ViewerOf(context);
        var every = breaks.Acknowledge(viewer.Key.Name);
        if (ReviewRefusals.WantsPage(context))
            return Results.Redirect("/review/queue");
        return Results.Json(new Dictionary<string, long> { ["break_due_ms"] = (long)every.TotalMilliseconds });
    }

    /// <summary>The request's form, or null when it sent none (a JSON body, say).</summary>
    internal static async Task<IFormCollection?> ReadFormAsync(HttpContext context, CancellationToken ct)
    {
        if (!context.Request.HasFormContentType)
            return null;
        try
        {
            return await context.Request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return null;
        }
    }

    /// <summary>The answer to a form post that carried no form.</summary>
    internal static IResult FormExpected() =>
        Problems.Result(StatusCodes.Status415UnsupportedMediaType, "form expected", "post the page's form (application/x-www-form-urlencoded)");

    /// <summary>Where to go after login: a path under /review on this server, else the queue.</summary>
    internal static string SafeNext(string? next) =>
        next is not null && (next == "/review" || next.StartsWith("/review/", StringComparison.Ordinal) || next.StartsWith("/review?", StringComparison.Ordinal)) && !next.Contains("//", StringComparison.Ordinal) &&
        !next.Contains('\\') && next.All(c => c > ' ' && c < 127)
            ? next
            : "/review/queue";
}
