using Microsoft.Data.Sqlite;
using Vigil.Hashing.Signals;

namespace Vigil.Storage.Sqlite;

/// <summary>Turns result rows into the store's records. The column lists here and the readers agree by position.</summary>
internal static class SqliteRows
{
    public const string BankColumns = "id, name, enabled, enabled_ratio, is_negative, labels, created_at";

    public static Bank ReadBank(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Name = reader.GetString(1),
        Enabled = reader.GetInt64(2) != 0,
        EnabledRatio = reader.GetDouble(3),
        IsNegative = reader.GetInt64(4) != 0,
        Labels = LabelsJson.Parse(reader.GetString(5)),
        CreatedAt = UnixMicros.ToTime(reader.GetInt64(6)),
    };

    /// <summary>
    /// Content with one row per signal (LEFT JOIN content_signals s), ordered by content id then
    /// signal id; <see cref="ContentAccumulator"/> folds the rows back into items.
    /// </summary>
    public const string ContentSelect = """
        SELECT c.id, c.bank_id, b.name, c.source, c.source_id, c.note, c.metadata, c.classification,
               c.added_at, c.disabled_until, s.signal_type, s.value
        FROM bank_content c
        JOIN banks b ON b.id = c.bank_id
        LEFT JOIN content_signals s ON s.content_id = c.id
        """;

    public const string ContentOrder = "ORDER BY c.id, s.id";

    public static Signal ReadSignal(SqliteDataReader reader, int typeOrdinal, int valueOrdinal) =>
        new(SignalType.FromName(reader.GetString(typeOrdinal)), reader.GetString(valueOrdinal));

    public static string? GetStringOrNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
