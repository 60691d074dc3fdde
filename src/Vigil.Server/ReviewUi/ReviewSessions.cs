using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Vigil.Storage;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// One signed-in reviewer's session: which key it stands for (by the key's hash, never the key) and
/// its CSRF token. The browser holds only the session's random id, in an HttpOnly cookie.
/// </summary>
public sealed class ReviewSession
{
    private long _lastSeenTicks;

    internal ReviewSession(string lookup, string keyHash, string keyName, string csrfToken, DateTimeOffset createdAt)
    {
        Lookup = lookup;
        KeyHash = keyHash;
        KeyName = keyName;
        CsrfToken = csrfToken;
        CreatedAt = createdAt;
        _lastSeenTicks = createdAt.UtcTicks;
    }

    /// <summary>The SHA-256 of the cookie's value: how the session is found (the value itself is not kept).</summary>
    internal string Lookup { get; }

    /// <summary>The SHA-256 of the API key the session was opened with, looked up on every request like the key itself.</summary>
    public string KeyHash { get; }

    /// <summary>The key's name when the session was opened (the audit log's actor).</summary>
    public string KeyName { get; }

    /// <summary>The token every unsafe request of the session must carry (form field or header).</summary>
    public string CsrfToken { get; }

    /// <summary>When the session was opened.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When the session was last used.</summary>
    public DateTimeOffset LastSeen => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);

    internal void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastSeenTicks, now.UtcTicks);
}

/// <summary>
/// The reviewer UI's sessions, held in this server's memory: a restart signs everyone out, and
/// replicas behind a load balancer need sticky routing for <c>/review</c>. A session ends after
/// <see cref="ReviewUiSettings.SessionIdleTimeout"/> unused, <see cref="ReviewUiSettings.SessionLifetime"/>
/// after login, at logout, or as soon as its key stops working (revoked or expired).
/// </summary>
public sealed class ReviewSessions(ServerSettings settings, TimeProvider clock)
{
    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "vigil_session";

    /// <summary>The cookie's path: the browser sends it only under <c>/review</c>.</summary>
    public const string CookiePath = "/review";

    /// <summary>The form field that carries the CSRF token.</summary>
    public const string CsrfField = "_csrf";

    /// <summary>The header that carries the CSRF token for the page's own fetches.</summary>
    public const string CsrfHeader = "X-CSRF-Token";

    /// <summary>Key of the request's <see cref="ReviewSession"/> in <see cref="Microsoft.AspNetCore.Http.HttpContext.Items"/> (when it came with one).</summary>
    public const string ItemKey = "vigil.review.session";

    private readonly ConcurrentDictionary<string, ReviewSession> _sessions = new(StringComparer.Ordinal);
    private readonly ReviewUiSettings _settings = settings.ReviewUi;

    /// <summary>Sessions held now (expired ones included until they are swept).</summary>
    public int Count => _sessions.Count;

    /// <summary>Opens a session for a key; returns the cookie's value (256 random bits, base64url).</summary>
    public (string CookieValue, ReviewSession Session) Open(ApiKey key, string keyHash)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = clock.GetUtcNow();
        if (_sessions.Count >= _settings.MaxSessions)
            Sweep(now);
        string value = NewToken();
        var session = new ReviewSession(Hash(value), keyHash, key.Name, NewToken(), now);
        _sessions[session.Lookup] = session;
        return (value, session);
    }

    /// <summary>The live session for a cookie's value (touched), or null when unknown or expired (then dropped).</summary>
    public ReviewSession? Find(string? cookieValue)
    {
        if (string.IsNullOrEmpty(cookieValue) || cookieValue.Length > 100)
            return null;
        if (!_sessions.TryGetValue(Hash(cookieValue), out var session))
            return null;
        var now = clock.GetUtcNow();
        if (IsExpired(session, now))
        {
            End(session);
            return null;
        }
        session.Touch(now);
        return session;
    }

    /// <summary>Ends a session (logout, or its key stopped working).</summary>
    public void End(ReviewSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions.TryRemove(KeyValuePair.Create(session.Lookup, session));
    }

    /// <summary>Whether <paramref name="token"/> is the session's CSRF token (compared in constant time).</summary>
    public static bool IsCsrfToken(ReviewSession session, string? token)
    {
        ArgumentNullException.ThrowIfNull(session);
        return token is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(session.CsrfToken));
    }

    /// <summary>A fresh random token: 256 bits from the CSPRNG, base64url.</summary>
    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private bool IsExpired(ReviewSession session, DateTimeOffset now) =>
        now - session.LastSeen >= _settings.SessionIdleTimeout || now - session.CreatedAt >= _settings.SessionLifetime;

    private void Sweep(DateTimeOffset now)
    {
        foreach (var session in _sessions.Values)
        {
            if (IsExpired(session, now))
                End(session);
        }
        // Still full: the least recently used go, so a flood of logins cannot grow memory without bound.
        int excess = _sessions.Count - _settings.MaxSessions + 1;
        if (excess > 0)
        {
            foreach (var session in _sessions.Values.OrderBy(s => s.LastSeen).Take(excess))
                End(session);
        }
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
