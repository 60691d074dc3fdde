using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Server.ReviewUi;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>The roles an endpoint accepts (admin is always accepted). Endpoints without it need no key.</summary>
public sealed record RequiresRole(params ApiKeyRole[] Roles);

/// <summary>
/// <c>Authorization: Bearer KEY</c> on every endpoint that declares <see cref="RequiresRole"/>: 401
/// without a valid key (unknown, revoked, or past its expiry by the server's <see cref="TimeProvider"/>),
/// 403 when the key's role is not one the endpoint accepts.
/// Keys found in the store are cached briefly by hash so a lookup does not cost a database round
/// trip; keys not found are not cached, so a flood of made-up keys cannot grow the cache. Expiry is
/// checked on every request, cached or not, so a key stops working at its expiry to the moment. An
/// address that sends many unknown, revoked or expired keys gets 429 without a store read for a while
/// (<see cref="ServerSettings.FailedKeysPerSecondPerAddress"/>).
/// Under <c>/review</c> a reviewer UI session cookie (<see cref="ReviewSessions"/>) may stand in for the
/// header: it names the key it was opened with, which is then checked exactly as above, so the audit
/// log's actor and the role rules are the key's; a change made with a session must also carry its
/// CSRF token (403 without it).
/// </summary>
public sealed class ApiKeyAuthentication(RequestDelegate next, IApiKeyStore store, ServerSettings settings, FailedKeyLimiter failures,
    TimeProvider clock, ReviewSessions sessions, ILogger<ApiKeyAuthentication> logger)
{
    private readonly ConcurrentDictionary<string, (ApiKey Key, DateTimeOffset Until)> _cache = new();

    /// <summary>Key of the authenticated <see cref="ApiKey"/> in <see cref="HttpContext.Items"/>.</summary>
    public const string ItemKey = "vigil.apikey";

    /// <summary>Key of a valid <see cref="ApiKey"/> whose role the endpoint refused (403), for the audit log.</summary>
    public const string RefusedItemKey = "vigil.apikey.refused";

    /// <summary>Most 401 answers logged one by one in a second; the rest are counted in one line.</summary>
    public const int RefusalLinesPerSecond = 10;

    private long _refusalWindow;
    private int _refusalsLogged;
    private int _refusalsUntold;

    /// <summary>Checks the request's key against the endpoint's roles.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<RequiresRole>();
        if (required is null)
        {
            await next(context);
            return;
        }
        string header = context.Request.Headers.Authorization.ToString();
        ReviewSession? session = null;
        string hash;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7)
        {
            hash = ApiKeySecrets.Hash(header[7..].Trim());
        }
        else if (ReviewRefusals.IsReviewPath(context) && context.Request.Cookies[ReviewSessions.CookieName] is { } cookie)
        {
            // The reviewer UI's session stands for the key it was opened with: the same checks follow.
            session = sessions.Find(cookie);
            if (session is null)
            {
                Refused(context, "unknown or expired session");
                ReviewRefusals.ClearSessionCookie(context);
                await ReviewRefusals.WriteAsync(context, StatusCodes.Status401Unauthorized, "session expired", "sign in again at /review/login");
                return;
            }
            hash = session.KeyHash;
            context.Items[ReviewSessions.ItemKey] = session;
        }
        else
        {
            Refused(context, "no key");
            await ReviewRefusals.WriteAsync(context, StatusCodes.Status401Unauthorized, "API key required",
                ReviewRefusals.IsReviewPath(context)
                    ? "sign in at /review/login, or send 'Authorization: Bearer KEY'"
                    : "send 'Authorization: Bearer KEY' (keys come from 'vigil apikey create')");
            return;
        }
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (!TryCached(hash, out var key))
        {
            // An address that has sent too many bad keys lately gets no more store reads for a while.
            if (failures.IsLimited(address))
            {
                Refused(context, "too many failed keys");
                context.Response.Headers.RetryAfter = "1";
                await Problems.Write(context, StatusCodes.Status429TooManyRequests, "too many failed keys",
                    $"this address sent more than {settings.FailedKeyBurstPerAddress} unknown, revoked or expired keys lately; try again in a second");
                return;
            }
            key = await store.FindApiKeyAsync(hash, context.RequestAborted);
            if (key is not null)
                _cache[hash] = (key, DateTimeOffset.UtcNow + settings.KeyCacheTime);
        }
        if (key is null || !key.IsValidAt(clock.GetUtcNow()))
        {
            failures.RecordFailure(address);
            Refused(context, key is null ? "unknown key" : key.IsActive ? $"expired key '{key.Name}'" : $"revoked key '{key.Name}'");
            if (session is not null)
            {
                // The key was revoked or expired since login: its sessions end with it.
                sessions.End(session);
                ReviewRefusals.ClearSessionCookie(context);
            }
            await ReviewRefusals.WriteAsync(context, StatusCodes.Status401Unauthorized, "API key not valid", "the key is unknown, revoked or expired");
            return;
        }
        if (key.Role != ApiKeyRole.Admin && Array.IndexOf(required.Roles, key.Role) < 0)
        {
            // A known key reaching past its role is worth a place in the audit log (AuditMiddleware).
            context.Items[RefusedItemKey] = key;
            string accepted = string.Join(", ", required.Roles.Select(ApiKeySecrets.RoleName).Prepend("admin"));
            await ReviewRefusals.WriteAsync(context, StatusCodes.Status403Forbidden, "role not allowed",
                $"this endpoint needs one of: {accepted}; the key '{key.Name}' is {ApiKeySecrets.RoleName(key.Role)}");
            return;
        }
        if (session is not null && !await ReviewCsrf.IsValidAsync(context, session))
        {
            // A cookie comes along with any request the browser sends, a forged one too: the token proves the page sent it.
            context.Items[RefusedItemKey] = key;
            await ReviewRefusals.WriteAsync(context, StatusCodes.Status403Forbidden, "CSRF token missing or wrong",
                $"a change made with a session must carry the page's token (form field '{ReviewSessions.CsrfField}' or header '{ReviewSessions.CsrfHeader}')");
            return;
        }
        context.Items[ItemKey] = key;
        await next(context);
    }

    /// <summary>
    /// A 401 goes to the service log, not the audit log: without a valid key there is no one to name,
    /// and anyone could fill the hash-chained log with them. At most <see cref="RefusalLinesPerSecond"/>
    /// lines a second, then one line with the count of the others, so a flood cannot flood the log.
    /// </summary>
    private void Refused(HttpContext context, string why)
    {
        long second = Environment.TickCount64 / 1000;
        long window = Interlocked.Read(ref _refusalWindow);
        if (second != window && Interlocked.CompareExchange(ref _refusalWindow, second, window) == window)
        {
            Interlocked.Exchange(ref _refusalsLogged, 0);
            int untold = Interlocked.Exchange(ref _refusalsUntold, 0);
            if (untold > 0)
                logger.LogWarning("{Count} more 401 answers were not logged one by one (at most {Limit} lines a second)", untold, RefusalLinesPerSecond);
        }
        if (Interlocked.Increment(ref _refusalsLogged) > RefusalLinesPerSecond)
        {
            Interlocked.Increment(ref _refusalsUntold);
            return;
        }
        logger.LogWarning("401 for {Method} {Path} from {Remote}: {Why}", context.Request.Method, context.Request.Path.Value,
            context.Connection.RemoteIpAddress?.ToString(), why);
    }

    private bool TryCached(string hash, out ApiKey? key)
    {
        key = null;
        if (!_cache.TryGetValue(hash, out var cached))
            return false;
        if (cached.Until > DateTimeOffset.UtcNow)
        {
            key = cached.Key;
            return true;
        }
        _cache.TryRemove(KeyValuePair.Create(hash, cached));
        return false;
    }
}
