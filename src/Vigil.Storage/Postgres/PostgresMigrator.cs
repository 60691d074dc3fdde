using Npgsql;

namespace Vigil.Storage.Postgres;

/// <summary>
/// Brings a PostgreSQL schema up to the newest version, as <see cref="Sqlite.SqliteMigrator"/> does
/// for a file: creates it when empty, applies the missing numbered migrations in one transaction
/// (PostgreSQL's DDL is transactional, so all or nothing), and refuses a schema written by a newer
/// Vigil or by something that is not Vigil. Concurrent openers queue on an advisory lock, so the
/// schema is created once.
/// </summary>
internal static class PostgresMigrator
{
    private const string MigrationsTable = "schema_migrations";

    // An arbitrary constant ("VIGILMIG" in ASCII) that names the migration lock among advisory locks.
    private const long MigrationLockKey = 0x5649_4749_4C4D_4947;

    /// <summary>Migrates the current schema of <paramref name="connection"/>; returns the schema version it is now at.</summary>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, string location, IReadOnlyList<PostgresMigration> migrations,
        CancellationToken cancellationToken)
    {
        for (int i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException($"migration {migrations[i].Name} has version {migrations[i].Version}; expected {i + 1}");
        }
        int latest = migrations.Count;

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", cancellationToken);
        if (await ScalarAsync(connection, $"SELECT to_regclass('{MigrationsTable}') IS NOT NULL", cancellationToken) is not true)
        {
            long tables = (long)(await ScalarAsync(connection, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()", cancellationToken))!;
            if (tables > 0)
                throw new StoreException($"{location} is a PostgreSQL database, but not a Vigil one (its schema has tables and no {MigrationsTable})");
            await ExecuteAsync(connection, $"""
                CREATE TABLE {MigrationsTable} (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL
                )
                """, cancellationToken);
        }

        int current = (int)(await ScalarAsync(connection, $"SELECT COALESCE(MAX(version), 0) FROM {MigrationsTable}", cancellationToken))!;
        if (current > latest)
        {
            throw new StoreException(
                $"{location} has schema version {current}, newer than this Vigil understands (up to {latest}); it was written by a newer Vigil: upgrade Vigil to open it");
        }

        foreach (var migration in migrations)
        {
            if (migration.Version <= current)
                continue;
            await ExecuteAsync(connection, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand(
                $"INSERT INTO {MigrationsTable} (version, name, applied_at) VALUES ($1, $2, now())", connection);
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return Math.Max(current, latest);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
