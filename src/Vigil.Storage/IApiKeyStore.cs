namespace Vigil.Storage;

/// <summary>API keys, stored by their hash.</summary>
/// <remarks>Part of <see cref="IVigilStore"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IApiKeyStore
{
    /// <summary>Stores a new API key by its hash (see <see cref="ApiKeySecrets"/>); the name must be unused.</summary>
    /// <exception cref="StoreException">The name is taken.</exception>
    Task<ApiKey> CreateApiKeyAsync(string name, ApiKeyRole role, string keyHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a new API key by its hash that stops working at <paramref name="expiresAt"/> (null: never,
    /// as the other overload); the name must be unused. A time already past makes a key that is expired from the start.
    /// </summary>
    /// <exception cref="StoreException">The name is taken.</exception>
    Task<ApiKey> CreateApiKeyAsync(string name, ApiKeyRole role, string keyHash, DateTimeOffset? expiresAt,
        CancellationToken cancellationToken = default);

    /// <summary>The key with this hash, active, revoked or expired, or null.</summary>
    Task<ApiKey?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken = default);

    /// <summary>Every key, revoked and expired ones included, by name.</summary>
    Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes the named key; false if there is no active key of that name.</summary>
    Task<bool> RevokeApiKeyAsync(string name, CancellationToken cancellationToken = default);
}
