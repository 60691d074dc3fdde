using Npgsql;
using NpgsqlTypes;
using Vigil.Hashing.Signals;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Postgres;

/// <summary>Turns result rows into the store's records and values into parameters. Column lists and readers agree by position.</summary>
internal static class PostgresRows
{
    public const string BankColumns = "id, name, enabled, enabled_ratio, is_negative, labels, created_at";

    /// <summary>Content with one row per signal, ordered by content id then signal id (see <see cref="ContentAccumulator"/>).</summary>
    public const string ContentSelect = """
        SELECT c.id, c.bank_id, b.name, c.source, c.source_id, c.note, c.metadata, c.classification,
               c.added_at, c.disabled_until, s.signal_type, s.value
        FROM bank_content c
        JOIN banks b ON b.id = c.bank_id
        LEFT JOIN content_signals s ON s.content_id = c.id
        """;

    public const string ContentOrder = "ORDER BY c.id, s.id";

    public static Bank ReadBank(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Name = reader.GetString(1),
        Enabled = reader.GetBoolean(2),
        EnabledRatio = reader.GetDouble(3),
        IsNegative = reader.GetBoolean(4),
        Labels = LabelsJson.Parse(reader.GetString(5)),
        CreatedAt = ReadTime(reader, 6),
    };

    public static Signal ReadSignal(NpgsqlDataReader reader, int typeOrdinal, int valueOrdinal) =>
        new(SignalType.FromName(reader.GetString(typeOrdinal)), reader.GetString(valueOrdinal));

    public static string? GetStringOrNull(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A <c>timestamptz</c> as a UTC <see cref="DateTimeOffset"/>.</summary>
    public static DateTimeOffset ReadTime(NpgsqlDataReader reader, int ordinal) =>
        new(reader.GetFieldValue<DateTime>(ordinal).Ticks, TimeSpan.Zero);

    /// <summary>
    /// A time as <c>timestamptz</c> stores it: in UTC, cut to whole microseconds the way the SQLite
    /// store cuts them (PostgreSQL itself would round), so that both return the same instant.
    /// </summary>
    public static DateTime ToDatabase(DateTimeOffset time) => UnixMicros.ToTime(UnixMicros.From(time)).UtcDateTime;

    /// <summary>Microseconds since the Unix epoch (for arrays of times, converted in SQL with <see cref="MicrosToTime"/>).</summary>
    public static long? ToMicros(DateTimeOffset? time) => time is { } t ? UnixMicros.From(t) : null;

    /// <summary>SQL turning a bigint of microseconds since the epoch into a timestamptz (NULL stays NULL).</summary>
    public static string MicrosToTime(string expression) => $"(timestamptz 'epoch' + {expression} * interval '1 microsecond')";

    public static NpgsqlParameter Param(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}
