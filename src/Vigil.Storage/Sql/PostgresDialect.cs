using System.Data;
using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Sql;

/// <summary>
/// PostgreSQL: times are <c>timestamptz</c>, flags <c>boolean</c>, lists arrays, and several
/// processes write at once, so a writer locks the rows it depends on (<c>FOR UPDATE</c>) and
/// appenders lock their table.
/// </summary>
internal sealed class PostgresDialect : SqlDialect
{
    public static PostgresDialect Instance { get; } = new();

    private PostgresDialect()
    {
    }

    public override string Name => "PostgreSQL";

    public override void AddParameter(DbCommand command, object? value, DbType type) =>
        command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, DbType = type });

    public override void AddTime(DbCommand command, DateTimeOffset? time) =>
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = time is { } t ? ToTimestamp(t) : DBNull.Value,
            NpgsqlDbType = NpgsqlDbType.TimestampTz,
        });

    // Npgsql writes arrays and lists, not every IReadOnlyList, so other collections are copied.
    public override void AddStringList(DbCommand command, IReadOnlyList<string> values) =>
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = values is string[] or List<string> ? values : values.ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
        });

    public override void AddInt64List(DbCommand command, IReadOnlyList<long> values) =>
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = values is long[] or List<long> ? values : values.ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint,
        });

    public override string InList(string expression, string parameter) => $"{expression} = ANY({parameter})";

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(reader.GetFieldValue<DateTime>(ordinal).Ticks, TimeSpan.Zero);

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsRetryableConflict(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    public override string ForUpdate(string? table = null) => table is null ? " FOR UPDATE" : $" FOR UPDATE OF {table}";

    public override string ForUpdateSkipLocked => " FOR UPDATE SKIP LOCKED";

    // EXCLUSIVE conflicts with itself and every write, not with plain reads.
    public override string? LockTableForWriting(string table) => $"LOCK TABLE {table} IN EXCLUSIVE MODE";

    public override string UseIndex(string index) => "";

    public override string Greatest(string a, string b) => $"GREATEST({a}, {b})";

    public override string Least(string a, string b) => $"LEAST({a}, {b})";

    // Sorting by the database's collation would order names differently from SQLite's binary order.
    public override string BinaryCollation => " COLLATE \"C\"";

    public override string TimeColumnType => "timestamptz";

    public override string ListTablesSql => "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()";

    // An arbitrary constant ("VIGILMIG" in ASCII) that names the migration lock among advisory locks.
    public override string? MigrationLockSql => $"SELECT pg_advisory_xact_lock({0x5649_4749_4C4D_4947L})";

    public override async ValueTask<DbTransaction> BeginSnapshotReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>
    /// A time as <c>timestamptz</c> stores it: in UTC, cut to whole microseconds the way the SQLite
    /// store cuts them (PostgreSQL itself would round), so that both return the same instant.
    /// </summary>
    public static DateTime ToTimestamp(DateTimeOffset time) => UnixMicros.ToTime(UnixMicros.From(time)).UtcDateTime;
}
