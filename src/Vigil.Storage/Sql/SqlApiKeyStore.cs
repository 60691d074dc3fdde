using System.Data.Common;

namespace Vigil.Storage.Sql;

/// <summary>API keys on either engine.</summary>
internal sealed class SqlApiKeyStore(SqlDatabase db) : IApiKeyStore
{
    private const string ApiKeyColumns = "id, name, role, created_at, revoked_at, expires_at";

    /// <inheritdoc/>
    public Task<ApiKey> CreateApiKeyAsync(string name, ApiKeyRole role, string keyHash, CancellationToken cancellationToken = default) =>
        CreateApiKeyAsync(name, role, keyHash, null, cancellationToken);

    /// <inheritdoc/>
    public async Task<ApiKey> CreateApiKeyAsync(string name, ApiKeyRole role, string keyHash, DateTimeOffset? expiresAt,
        CancellationToken cancellationToken = default)
    {
        ApiKeySecrets.ValidateName(name);
        ArgumentException.ThrowIfNullOrEmpty(keyHash);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"""
            INSERT INTO api_keys (name, role, key_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
            RETURNING {ApiKeyColumns}
            """)
            .With(name).With(ApiKeySecrets.RoleName(role)).With(keyHash).WithTime(DateTimeOffset.UtcNow).WithTime(expiresAt);
        try
        {
            return (await command.FirstOrNullAsync(ReadApiKey, cancellationToken))!;
        }
        catch (DbException ex) when (db.Dialect.IsUniqueViolation(ex))
        {
            throw new StoreException($"an API key named '{name}' already exists (names stay taken after revocation)");
        }
    }

    /// <inheritdoc/>
    public async Task<ApiKey?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"SELECT {ApiKeyColumns} FROM api_keys WHERE key_hash = $1").With(keyHash);
        return await command.FirstOrNullAsync(ReadApiKey, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"SELECT {ApiKeyColumns} FROM api_keys ORDER BY name{db.Dialect.BinaryCollation}");
        return await command.ListAsync(ReadApiKey, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeApiKeyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "UPDATE api_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL")
            .With(name).WithTime(DateTimeOffset.UtcNow);
        return await command.ExecuteAsync(cancellationToken) > 0;
    }

    private ApiKey ReadApiKey(DbDataReader reader)
    {
        if (!ApiKeySecrets.TryParseRole(reader.GetString(2), out var role))
            throw new StoreException($"API key '{reader.GetString(1)}' has an unknown role '{reader.GetString(2)}'");
        return new ApiKey(reader.GetInt64(0), reader.GetString(1), role, db.Dialect.ReadTime(reader, 3),
            db.Dialect.ReadNullableTime(reader, 4), db.Dialect.ReadNullableTime(reader, 5));
    }
}
