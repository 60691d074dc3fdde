using Microsoft.Data.Sqlite;

namespace Vigil.Storage.Sqlite;

/// <summary>
/// Brings a database up to the newest schema: creates it when empty, applies the missing numbered
/// migrations of an older one in a single transaction (all or nothing), and refuses one written by
/// a newer Vigil or by something that is not Vigil.
/// </summary>
internal static class SqliteMigrator
{
    private const string MigrationsTable = "schema_migrations";

    /// <summary>Migrates the database behind <paramref name="connection"/>; returns the schema version it is now at.</summary>
    public static int Migrate(SqliteConnection connection, string location, IReadOnlyList<SqliteMigration> migrations)
    {
        for (int i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException($"migration {migrations[i].Name} has version {migrations[i].Version}; expected {i + 1}");
        }
        int latest = migrations.Count;

        // BEGIN IMMEDIATE takes the write lock first, so two processes opening a new file at once
        // cannot both create the schema: the second waits, then finds it done.
        using var transaction = connection.BeginTransaction();
        if (!TableExists(connection, transaction, MigrationsTable))
        {
            if (CountUserTables(connection, transaction) > 0)
                throw new StoreException($"{location} is a SQLite database, but not a Vigil one (it has tables and no {MigrationsTable})");
            Execute(connection, transaction, $"""
                CREATE TABLE {MigrationsTable} (
                    version    INTEGER PRIMARY KEY,
                    name       TEXT    NOT NULL,
                    applied_at INTEGER NOT NULL
                );
                """);
        }

        int current = CurrentVersion(connection, transaction);
        if (current > latest)
        {
            throw new StoreException(
                $"{location} has schema version {current}, newer than this Vigil understands (up to {latest}); it was written by a newer Vigil: upgrade Vigil to open it");
        }

        foreach (var migration in migrations)
        {
            if (migration.Version <= current)
                continue;
            Execute(connection, transaction, migration.Sql);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = $"INSERT INTO {MigrationsTable} (version, name, applied_at) VALUES ($version, $name, $at)";
            record.Parameters.AddWithValue("$version", migration.Version);
            record.Parameters.AddWithValue("$name", migration.Name);
            record.Parameters.AddWithValue("$at", UnixMicros.Now());
            record.ExecuteNonQuery();
        }
        transaction.Commit();
        return Math.Max(current, latest);
    }

    private static bool TableExists(SqliteConnection connection, SqliteTransaction transaction, string name)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", name);
        return (long)command.ExecuteScalar()! > 0;
    }

    private static long CountUserTables(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
        return (long)command.ExecuteScalar()!;
    }

    private static int CurrentVersion(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT COALESCE(MAX(version), 0) FROM {MigrationsTable}";
        return checked((int)(long)command.ExecuteScalar()!);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
