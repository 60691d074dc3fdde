using System.Data.Common;
using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>
/// Folds a one-row-per-signal content query into content items, for either backend. Columns: 0 id,
/// 1 bank id, 2 bank name, 3 source ('' when unknown), 4 source id, 5 note, 6 metadata,
/// 7 classification, 8 added at, 9 disabled until, 10 signal type, 11 signal value (10 and 11 are
/// NULL for content without signals). Times are read by <paramref name="readTime"/>, since the
/// backends store them differently.
/// </summary>
internal sealed class ContentAccumulator(Func<DbDataReader, int, DateTimeOffset> readTime)
{
    private BankContent? _current;
    private List<Signal> _signals = [];

    /// <summary>Takes the reader's current row; returns the previous item when this row starts a new one.</summary>
    public BankContent? Add(DbDataReader reader)
    {
        long id = reader.GetInt64(0);
        BankContent? completed = null;
        if (_current is null || _current.Id != id)
        {
            completed = Finish();
            _current = ReadContent(reader);
        }
        if (!reader.IsDBNull(10))
            _signals.Add(new Signal(SignalType.FromName(reader.GetString(10)), reader.GetString(11)));
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

    private BankContent ReadContent(DbDataReader reader)
    {
        string source = reader.GetString(3);
        return new BankContent
        {
            Id = reader.GetInt64(0),
            BankId = reader.GetInt64(1),
            BankName = reader.GetString(2),
            Source = source.Length == 0 ? null : source,
            SourceId = StringOrNull(reader, 4),
            Note = StringOrNull(reader, 5),
            Metadata = StringOrNull(reader, 6),
            Classification = StringOrNull(reader, 7),
            AddedAt = readTime(reader, 8),
            DisabledUntil = reader.IsDBNull(9) ? null : readTime(reader, 9),
            Signals = _signals,
        };
    }

    private static string? StringOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
