using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>The roles an endpoint accepts (admin is always accepted). Endpoints without it need no key.</summary>
public sealed record RequiresRole(params ApiKeyRole[] Roles);

/// <summary>
/// <c>Authorization: Bearer KEY</c> on every endpoint that declares <see cref="RequiresRole"/>: 401
/// without a valid, unrevoked key, 403 when the key's role is not one the endpoint accepts.
/// Verified keys are cached briefly by hash so a lookup does not cost a database round trip.
/// </summary>
public sealed class ApiKeyAuthentication(RequestDelegate next, IVigilStore store, ServerSettings settings)
{
    private readonly ConcurrentDictionary<string, (ApiKey? Key, DateTimeOffset Until)> _cache = new();

    /// <summary>Key of the authenticated <see cref="ApiKey"/> in <see cref="HttpContext.Items"/>.</summary>
    public const string ItemKey = "vigil.apikey";

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
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            await Problems.Write(context, StatusCodes.Status401Unauthorized, "API key required", "send 'Authorization: Bearer KEY' (keys come from 'vigil apikey create')");
            return;
        }
        var key = await FindAsync(header[7..].Trim(), context.RequestAborted);
        if (key is null || !key.IsActive)
        {
            await Problems.Write(context, StatusCodes.Status401Unauthorized, "API key not valid", "the key is unknown or revoked");
            return;
        }
        if (key.Role != ApiKeyRole.Admin && Array.IndexOf(required.Roles, key.Role) < 0)
        {
            string accepted = string.Join(", ", required.Roles.Select(ApiKeySecrets.RoleName).Prepend("admin"));
            await Problems.Write(context, StatusCodes.Status403Forbidden, "role not allowed",
                $"this endpoint needs one of: {accepted}; the key '{key.Name}' is {ApiKeySecrets.RoleName(key.Role)}");
            return;
        }
        context.Items[ItemKey] = key;
        await next(context);
    }

    private async Task<ApiKey?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        string hash = ApiKeySecrets.Hash(secret);
        var now = DateTimeOffset.UtcNow;
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now)
            return cached.Key;
        var key = await store.FindApiKeyAsync(hash, cancellationToken);
        _cache[hash] = (key, now + settings.KeyCacheTime);
        return key;
    }
}
