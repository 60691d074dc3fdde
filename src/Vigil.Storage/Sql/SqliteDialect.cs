using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Sql;

/// <summary>
/// SQLite: times are integer microseconds since the Unix epoch (<see cref="UnixMicros"/>), flags
/// integers 0 and 1, and one writer at a time holds the whole file, so there is nothing to lock row
/// by row: a write transaction is <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's default).
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    // SQLite's extended result codes for a refused UNIQUE or PRIMARY KEY.
    private const int ConstraintUnique = 2067, ConstraintPrimaryKey = 1555;

    private static readonly string[] ParameterNames = Enumerable.Range(1, 32).Select(i => "$" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

    public static SqliteDialect Instance { get; } = new();

    private SqliteDialect()
    {
    }

    public override string Name => "SQLite";

    public override void AddParameter(DbCommand command, object? value, DbType type)
    {
        int index = command.Parameters.Count;
        string name = index < ParameterNames.Length ? ParameterNames[index] : "$" + (index + 1).ToString(CultureInfo.InvariantCulture);
        command.Parameters.Add(new SqliteParameter(name, value ?? DBNull.Value) { DbType = type });
    }

    public override void AddTime(DbCommand command, DateTimeOffset? time) =>
        AddParameter(command, time is { } t ? UnixMicros.From(t) : null, DbType.Int64);

    // A JSON array read by json_each: one parameter whatever the length (SQLite caps parameters per statement).
    public override void AddStringList(DbCommand command, IReadOnlyList<string> values) =>
        AddParameter(command, System.Text.Json.JsonSerializer.Serialize(values), DbType.String);

    public override void AddInt64List(DbCommand command, IReadOnlyList<long> values)
    {
        var json = new StringBuilder("[");
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
                json.Append(',');
            json.Append(values[i].ToString(CultureInfo.InvariantCulture));
        }
        AddParameter(command, json.Append(']').ToString(), DbType.String);
    }

    public override string InList(string expression, string parameter) => $"{expression} IN (SELECT value FROM json_each({parameter}))";

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => UnixMicros.ToTime(reader.GetInt64(ordinal));

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: ConstraintUnique or ConstraintPrimaryKey };

    public override bool IsRetryableConflict(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED };

    public override string ForUpdate(string? table = null) => "";

    public override string ForUpdateSkipLocked => "";

    public override string? LockTableForWriting(string table) => null;

    public override string UseIndex(string index) => $" INDEXED BY {index}";

    public override string Greatest(string a, string b) => $"MAX({a}, {b})";

    public override string Least(string a, string b) => $"MIN({a}, {b})";

    public override string BinaryCollation => "";

    public override string TimeColumnType => "INTEGER";

    public override string ListTablesSql => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

    public override string? MigrationLockSql => null;

    // Deferred: the snapshot starts at the first read and lasts to the end (WAL mode), while writers go on.
    public override ValueTask<DbTransaction> BeginSnapshotReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));
}
