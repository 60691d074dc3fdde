using Npgsql;
using NpgsqlTypes;
using Vigil.Hashing.Signals;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Postgres;

/// <summary>Turns result rows into the store's records and values into parameters. Column lists and readers agree by position.</summary>
internal static class PostgresRows
{
    public const string BankColumns = "id, name, enabled, enabled_ratio, is_negative, labels, created_at";

    /// <summary>Content with one row per signal, ordered by content id then signal id (see <see cref="PostgresContentAccumulator"/>).</summary>
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

/// <summary>Folds the one-row-per-signal result of <see cref="PostgresRows.ContentSelect"/> into content items.</summary>
internal sealed class PostgresContentAccumulator
{
    private BankContent? _current;
    private List<Signal> _signals = [];

    /// <summary>Takes the reader's current row; returns the previous item when this row starts a new one.</summary>
    public BankContent? Add(NpgsqlDataReader reader)
    {
        long id = reader.GetInt64(0);
        BankContent? completed = null;
        if (_current is null || _current.Id != id)
        {
            completed = Finish();
            _current = ReadContent(reader, _signals);
        }
        if (!reader.IsDBNull(10))
            _signals.Add(PostgresRows.ReadSignal(reader, 10, 11));
        return completed;
    }

    /// <summary>Returns the item being built, if any, and starts afresh.</summary>
    public BankContent? Finish()
    {
        var completed = _current;
        _current = null;
        if (completed is not null)
            _signals = [];
        return completed;
    }

    private static BankContent ReadContent(NpgsqlDataReader reader, List<Signal> signals)
    {
        string source = reader.GetString(3);
        return new BankContent
        {
            Id = reader.GetInt64(0),
            BankId = reader.GetInt64(1),
            BankName = reader.GetString(2),
            Source = source.Length == 0 ? null : source,
            SourceId = PostgresRows.GetStringOrNull(reader, 4),
            Note = PostgresRows.GetStringOrNull(reader, 5),
            Metadata = PostgresRows.GetStringOrNull(reader, 6),
            Classification = PostgresRows.GetStringOrNull(reader, 7),
            AddedAt = PostgresRows.ReadTime(reader, 8),
            DisabledUntil = reader.IsDBNull(9) ? null : PostgresRows.ReadTime(reader, 9),
            Signals = signals,
        };
    }
}
