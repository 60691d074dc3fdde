using Microsoft.Data.Sqlite;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Storage.Sql;

namespace Vigil.Storage.Sqlite;

/// <summary>
/// Adds and removes content in one bank through statements prepared once and reused for every row
/// (the import's hot path), run straight through SQLite's C API: in process, a check or an insert
/// per row costs microseconds, and <see cref="SqliteStatement"/> saves a third of
/// <c>SqliteCommand</c>'s time. It runs in the transaction the connection has open.
/// </summary>
internal sealed class SqliteContentWriter : IBankContentWriter
{
    /// <summary>Makes the writer (a <see cref="BankContentWriterFactory"/>).</summary>
    public static IBankContentWriter Create(System.Data.Common.DbConnection connection, long bankId, DateTimeOffset addedAt) =>
        new SqliteContentWriter((SqliteConnection)connection, bankId, UnixMicros.From(addedAt));

    private readonly SqliteStatement _findBySource;
    private readonly SqliteStatement _findBySignal;
    private readonly SqliteStatement _insertContent;
    private readonly SqliteStatement _insertSignal;
    private readonly SqliteStatement _deleteContent;
    private readonly List<long> _matches = [];
    private readonly List<long> _added = [];
    private readonly long _addedAtMicros;

    private SqliteContentWriter(SqliteConnection connection, long bankId, long addedAtMicros)
    {
        _addedAtMicros = addedAtMicros;
        _findBySource = new SqliteStatement(connection,
            "SELECT id FROM bank_content WHERE bank_id = ?1 AND source = ?2 AND source_id = ?3");
        _findBySignal = new SqliteStatement(connection,
            "SELECT content_id FROM content_signals WHERE value_key = ?4 AND bank_id = ?1 AND signal_type = ?2 AND value = ?3");
        _insertContent = new SqliteStatement(connection, """
            INSERT INTO bank_content (bank_id, source, source_id, note, metadata, classification, added_at, disabled_until)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """);
        _insertSignal = new SqliteStatement(connection, """
            INSERT INTO content_signals (bank_id, content_id, signal_type, value, value_key, pdq0, pdq1, pdq2, pdq3)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """);
        _deleteContent = new SqliteStatement(connection, "DELETE FROM bank_content WHERE bank_id = ?1 AND id = ?2");
        foreach (var statement in new[] { _findBySource, _findBySignal, _insertContent, _insertSignal, _deleteContent })
            statement.Bind(1, bankId);
    }

    /// <inheritdoc/>
    public ValueTask PrefetchAsync(IReadOnlyList<ImportItem> items, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public ValueTask AddAsync(NewContent content, CancellationToken cancellationToken)
    {
        _added.Add(Insert(content));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<int> RemoveAsync(NewContent removal, CancellationToken cancellationToken) => ValueTask.FromResult(Remove(removal));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<long>> FlushAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<long> added = _added.Count == 0 ? [] : _added.ToArray();
        _added.Clear();
        return ValueTask.FromResult(added);
    }

    /// <inheritdoc/>
    public long? FindDuplicate(NewContent content)
    {
        if (content.SourceId is not null && FindBySource(content.Source, content.SourceId) is { } bySource)
            return bySource;
        var signals = content.Signals;
        for (int i = 0; i < signals.Count; i++)
        {
            if (!signals[i].Type.IsDerived && FindBySignal(signals[i]) is { } bySignal)
                return bySignal;
        }
        return null;
    }

    /// <summary>Inserts validated, non-duplicate content; returns its id.</summary>
    private long Insert(NewContent content)
    {
        _insertContent.Bind(2, content.Source ?? "");
        _insertContent.Bind(3, content.SourceId);
        _insertContent.Bind(4, content.Note);
        _insertContent.Bind(5, content.Metadata);
        _insertContent.Bind(6, content.Classification);
        _insertContent.Bind(7, _addedAtMicros);
        if (content.DisabledUntil is { } until)
            _insertContent.Bind(8, UnixMicros.From(until));
        else
            _insertContent.BindNull(8);
        long contentId = _insertContent.Insert();

        var signals = content.Signals;
        for (int i = 0; i < signals.Count; i++)
        {
            if (!RepeatsEarlier(signals, i))
                InsertSignal(contentId, signals[i]);
        }
        return contentId;
    }

    private int Remove(NewContent removal)
    {
        if (removal.SourceId is not null)
            return FindBySource(removal.Source, removal.SourceId) is { } id && Delete(id) ? 1 : 0;

        _matches.Clear();
        var signals = removal.Signals;
        for (int i = 0; i < signals.Count; i++)
        {
            if (!signals[i].Type.IsDerived && FindBySignal(signals[i]) is { } id && !_matches.Contains(id))
                _matches.Add(id);
        }
        int removed = 0;
        foreach (long id in _matches)
        {
            if (Delete(id))
                removed++;
        }
        return removed;
    }

    /// <summary>Deletes one content item of the bank; its signals go by cascade and the triggers log them.</summary>
    private bool Delete(long contentId)
    {
        _deleteContent.Bind(2, contentId);
        return _deleteContent.Execute() > 0;
    }

    public void Dispose()
    {
        _findBySource.Dispose();
        _findBySignal.Dispose();
        _insertContent.Dispose();
        _insertSignal.Dispose();
        _deleteContent.Dispose();
    }

    private long? FindBySource(string? source, string sourceId)
    {
        _findBySource.Bind(2, source ?? "");
        _findBySource.Bind(3, sourceId);
        return _findBySource.QueryInt64();
    }

    private long? FindBySignal(Signal signal)
    {
        _findBySignal.Bind(2, signal.Type.Name);
        _findBySignal.Bind(3, signal.Value);
        _findBySignal.Bind(4, SignalKeys.Of(signal));
        return _findBySignal.QueryInt64();
    }

    private void InsertSignal(long contentId, Signal signal)
    {
        _insertSignal.Bind(2, contentId);
        _insertSignal.Bind(3, signal.Type.Name);
        _insertSignal.Bind(4, signal.Value);
        _insertSignal.Bind(5, SignalKeys.Of(signal));
        if (signal.Type.IsPdq)
        {
            var hash = PdqHash.Parse(signal.Value);
            for (int limb = 0; limb < 4; limb++)
                _insertSignal.Bind(6 + limb, unchecked((long)hash.GetLimb(limb)));
        }
        else
        {
            for (int limb = 0; limb < 4; limb++)
                _insertSignal.BindNull(6 + limb);
        }
        _insertSignal.Execute();
    }

    private static bool RepeatsEarlier(IReadOnlyList<Signal> signals, int index)
    {
        for (int i = 0; i < index; i++)
        {
            if (signals[i] == signals[index])
                return true;
        }
        return false;
    }
}
