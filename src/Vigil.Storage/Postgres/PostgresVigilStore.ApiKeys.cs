using Npgsql;
using NpgsqlTypes;

namespace Vigil.Storage.Postgres;

public sealed partial class PostgresVigilStore
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
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"""
            INSERT INTO api_keys (name, role, key_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
            RETURNING {ApiKeyColumns}
            """,
            PostgresRows.Param(name, NpgsqlDbType.Text),
            PostgresRows.Param(ApiKeySecrets.RoleName(role), NpgsqlDbType.Text),
            PostgresRows.Param(keyHash, NpgsqlDbType.Text),
            PostgresRows.Param(PostgresRows.ToDatabase(DateTimeOffset.UtcNow), NpgsqlDbType.TimestampTz),
            PostgresRows.Param(expiresAt is { } expiry ? (object)PostgresRows.ToDatabase(expiry) : null, NpgsqlDbType.TimestampTz));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return ReadApiKey(reader);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new StoreException($"an API key named '{name}' already exists (names stay taken after revocation)");
        }
    }

    /// <inheritdoc/>
    public async Task<ApiKey?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {ApiKeyColumns} FROM api_keys WHERE key_hash = $1",
            PostgresRows.Param(keyHash, NpgsqlDbType.Text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadApiKey(reader) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {ApiKeyColumns} FROM api_keys ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken))
            keys.Add(ReadApiKey(reader));
        return keys;
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeApiKeyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE api_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
            PostgresRows.Param(name, NpgsqlDbType.Text),
            PostgresRows.Param(PostgresRows.ToDatabase(DateTimeOffset.UtcNow), NpgsqlDbType.TimestampTz));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static ApiKey ReadApiKey(NpgsqlDataReader reader)
    {
        if (!ApiKeySecrets.TryParseRole(reader.GetString(2), out var role))
            throw new StoreException($"API key '{reader.GetString(1)}' has an unknown role '{reader.GetString(2)}'");
        return new ApiKey(reader.GetInt64(0), reader.GetString(1), role, PostgresRows.ReadTime(reader, 3),
            reader.IsDBNull(4) ? null : PostgresRows.ReadTime(reader, 4),
            reader.IsDBNull(5) ? null : PostgresRows.ReadTime(reader, 5));
    }
}
