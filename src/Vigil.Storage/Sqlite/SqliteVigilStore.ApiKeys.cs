using Microsoft.Data.Sqlite;

namespace Vigil.Storage.Sqlite;

public sealed partial class SqliteVigilStore
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
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO api_keys (name, role, key_hash, created_at, expires_at) VALUES ($name, $role, $hash, $created, $expires)
            RETURNING {ApiKeyColumns}
            """;
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$role", ApiKeySecrets.RoleName(role));
        command.Parameters.AddWithValue("$hash", keyHash);
        command.Parameters.AddWithValue("$created", UnixMicros.Now());
        command.Parameters.AddWithValue("$expires", expiresAt is { } expiry ? (object)UnixMicros.From(expiry) : DBNull.Value);
        try
        {
            using var reader = command.ExecuteReader();
            reader.Read();
            return ReadApiKey(reader);
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintUnique)
        {
            throw new StoreException($"an API key named '{name}' already exists (names stay taken after revocation)");
        }
    }

    /// <inheritdoc/>
    public async Task<ApiKey?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ApiKeyColumns} FROM api_keys WHERE key_hash = $hash";
        command.Parameters.AddWithValue("$hash", keyHash);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadApiKey(reader) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ApiKeyColumns} FROM api_keys ORDER BY name";
        using var reader = command.ExecuteReader();
        var keys = new List<ApiKey>();
        while (reader.Read())
            keys.Add(ReadApiKey(reader));
        return keys;
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeApiKeyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE api_keys SET revoked_at = $now WHERE name = $name AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$now", UnixMicros.Now());
        return command.ExecuteNonQuery() > 0;
    }

    private static ApiKey ReadApiKey(SqliteDataReader reader)
    {
        if (!ApiKeySecrets.TryParseRole(reader.GetString(2), out var role))
            throw new StoreException($"API key '{reader.GetString(1)}' has an unknown role '{reader.GetString(2)}'");
        return new ApiKey(reader.GetInt64(0), reader.GetString(1), role, UnixMicros.ToTime(reader.GetInt64(3)),
            reader.IsDBNull(4) ? null : UnixMicros.ToTime(reader.GetInt64(4)),
            reader.IsDBNull(5) ? null : UnixMicros.ToTime(reader.GetInt64(5)));
    }
}
