using System.Collections.Concurrent;
using System.Security.Cryptography;
using Vigil.Storage;

namespace Vigil.Server.ReviewUi;

/// <summary>
/// One-time sign-in links (<c>GET /review/login/once?token=T</c>) that an operator hands out on this
/// machine, e.g. <c>vigil demo --review</c> for its throwaway reviewer key: each token opens one
/// session for its key, once, within its lifetime, and only while the key itself is valid. Tokens are
/// 256 random bits, held as their SHA-256 in this server's memory.
/// </summary>
public sealed class ReviewLoginLinks(TimeProvider clock)
{
    private sealed record Pending(string KeyHash, DateTimeOffset ExpiresAt);

    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    /// <summary>The sign-in route.</summary>
    public const string Route = "/review/login/once";

    /// <summary>The path (and query) that signs in with <paramref name="token"/>.</summary>
    public static string PathFor(string token) => Route + "?token=" + Uri.EscapeDataString(token);

    /// <summary>A new token for the key whose SHA-256 is <paramref name="keyHash"/>, good once for <paramref name="validFor"/>.</summary>
    public string Issue(string keyHash, TimeSpan validFor)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyHash);
        string token = ReviewSessions.NewToken();
        _pending[ApiKeySecrets.Hash(token)] = new Pending(keyHash, clock.GetUtcNow() + validFor);
        return token;
    }

    /// <summary>Takes the token (it cannot be used again) and gives its key's hash; null when unknown, used or expired.</summary>
    public string? Redeem(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200 || !_pending.TryRemove(ApiKeySecrets.Hash(token), out var pending))
            return null;
        return pending.ExpiresAt > clock.GetUtcNow() ? pending.KeyHash : null;
    }
}
