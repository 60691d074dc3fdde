using System.Data.Common;
using Vigil.Storage.Sql;

namespace Vigil.Storage.Schema;

/// <summary>
/// Brings a database up to the newest schema on either engine: creates it when empty, applies the
/// missing numbered steps of an older one in a single transaction (all or nothing: SQLite and
/// PostgreSQL both run DDL in transactions), and refuses one written by a newer Vigil or by
/// something that is not Vigil. Concurrent openers queue on the write lock (SQLite's
/// <c>BEGIN IMMEDIATE</c>, PostgreSQL's advisory lock), so the schema is created once.
/// </summary>
internal static class SchemaMigrator
{
    private const string MigrationsTable = "schema_migrations";

    /// <summary>Migrates the database behind <paramref name="connection"/>; returns the schema version it is now at.</summary>
    public static async Task<int> MigrateAsync(SqlDatabase db, DbConnection connection, string location, IReadOnlyList<Migration> migrations,
        CancellationToken cancellationToken)
    {
        for (int i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException($"migration {migrations[i].Name} has version {migrations[i].Version}; expected {i + 1}");
        }
        int latest = migrations.Count;

        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        if (db.Dialect.MigrationLockSql is { } lockSql)
            await ExecuteAsync(db, connection, transaction, lockSql, cancellationToken);
        var tables = await ListTablesAsync(db, connection, transaction, cancellationToken);
        if (!tables.Contains(MigrationsTable))
        {
            if (tables.Count > 0)
                throw new StoreException($"{location} is a {db.Dialect.Name} database, but not a Vigil one (it has tables and no {MigrationsTable})");
            await ExecuteAsync(db, connection, transaction, $"""
                CREATE TABLE {MigrationsTable} (
                    version    integer PRIMARY KEY,
                    name       text    NOT NULL,
                    applied_at {db.Dialect.TimeColumnType} NOT NULL
                )
                """, cancellationToken);
        }

        int current;
        await using (var version = db.Command(connection, $"SELECT COALESCE(MAX(version), 0) FROM {MigrationsTable}", transaction))
            current = checked((int)(await version.Int64Async(cancellationToken))!.Value);
        if (current > latest)
        {
            throw new StoreException(
                $"{location} has schema version {current}, newer than this Vigil understands (up to {latest}); it was written by a newer Vigil: upgrade Vigil to open it");
        }

        foreach (var migration in migrations)
        {
            if (migration.Version <= current)
                continue;
            await ExecuteAsync(db, connection, transaction, migration.Sql, cancellationToken);
            await using var record = db.Command(connection, $"INSERT INTO {MigrationsTable} (version, name, applied_at) VALUES ($1, $2, $3)", transaction)
                .With((long)migration.Version).With(migration.Name).WithTime(DateTimeOffset.UtcNow);
            await record.ExecuteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return Math.Max(current, latest);
    }

    private static async Task<HashSet<string>> ListTablesAsync(SqlDatabase db, DbConnection connection, DbTransaction transaction,
        CancellationToken cancellationToken)
    {
        await using var command = db.Command(connection, db.Dialect.ListTablesSql, transaction);
        return [.. await command.ListAsync(static reader => reader.GetString(0), cancellationToken)];
    }

    private static async Task ExecuteAsync(SqlDatabase db, DbConnection connection, DbTransaction transaction, string sql,
        CancellationToken cancellationToken)
    {
        await using var command = db.Command(connection, sql, transaction);
        await command.ExecuteAsync(cancellationToken);
    }
}
