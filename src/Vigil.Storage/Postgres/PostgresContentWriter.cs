using Npgsql;
using NpgsqlTypes;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Storage.Sql;

namespace Vigil.Storage.Postgres;

/// <summary>
/// Applies a batch of additions and removals to one bank inside the caller's transaction, which
/// must hold the bank's row lock (<c>SELECT ... FOR UPDATE</c>) so that no other writer changes the
/// bank meanwhile. It does with a few set-based statements what the SQLite writer does row by row:
/// <see cref="PrefetchAsync"/> reads, in two queries, every existing item the batch could collide
/// with; the duplicate checks then run in memory, in item order, seeing the batch's own earlier
/// items; and runs of consecutive additions (or removals) are written with one multi-row
/// <c>INSERT ... SELECT FROM unnest(...)</c> (or one <c>DELETE</c>), so that the change log records
/// them in the same order the SQLite store would.
/// </summary>
/// <remarks>
/// Binary COPY was tried in place of the unnest inserts and measured no faster (200,000 one-PDQ
/// items in batches of 5,000, alternating runs: 16,500-21,200 items/s against 20,500-23,300, and
/// the fastest batch's inserts 30 + 64 ms against 29 + 61 ms): the time goes to the server's work
/// per row (the foreign-key checks and change-log trigger take about a third of it, the heap and
/// five index inserts the rest), not to sending or parsing the rows. See docs/benchmarks.md.
/// </remarks>
internal sealed class PostgresContentWriter : IBankContentWriter
{
    /// <summary>Makes the writer (a <see cref="BankContentWriterFactory"/>).</summary>
    public static IBankContentWriter Create(System.Data.Common.DbConnection connection, long bankId, DateTimeOffset addedAt) =>
        new PostgresContentWriter((NpgsqlConnection)connection, bankId, addedAt);

    private readonly NpgsqlConnection _connection;
    private readonly long _bankId;
    private readonly DateTime _addedAt;

    // Existing or pending items by signal and by (source, source id). A value >= 0 is a content id;
    // a value < 0 is pending addition number -value-1 (its id is known once the run is written).
    private readonly Dictionary<Signal, long> _bySignal = [];
    private readonly Dictionary<(string Source, string SourceId), long> _bySource = [];
    private readonly HashSet<long> _removed = [];
    private readonly List<long> _assignedIds = [];
    private readonly List<NewContent> _pendingAdds = [];
    private readonly List<long> _pendingRemovals = [];

    private PostgresContentWriter(NpgsqlConnection connection, long bankId, DateTimeOffset addedAt)
    {
        _connection = connection;
        _bankId = bankId;
        _addedAt = PostgresDialect.ToTimestamp(addedAt);
    }

    /// <summary>Reads the bank's items that share a signal, or a source and source id, with any of <paramref name="items"/>.</summary>
    public async ValueTask PrefetchAsync(IReadOnlyList<ImportItem> items, CancellationToken cancellationToken)
    {
        var keys = new HashSet<long>();
        var sources = new List<string>();
        var sourceIds = new List<string>();
        for (int i = 0; i < items.Count; i++)
        {
            var content = items[i].Content;
            foreach (var signal in content.Signals)
            {
                if (!signal.Type.IsDerived)
                    keys.Add(SignalKeys.Of(signal));
            }
            if (content.SourceId is not null)
            {
                sources.Add(content.Source ?? "");
                sourceIds.Add(content.SourceId);
            }
        }

        if (keys.Count > 0)
        {
            await using var command = new NpgsqlCommand(
                "SELECT content_id, signal_type, value FROM content_signals WHERE bank_id = $1 AND value_key = ANY($2)", _connection);
            command.Parameters.Add(PostgresRows.Param(_bankId, NpgsqlDbType.Bigint));
            command.Parameters.Add(PostgresRows.Param(keys.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                _bySignal[PostgresRows.ReadSignal(reader, 1, 2)] = reader.GetInt64(0);
        }
        if (sources.Count > 0)
        {
            await using var command = new NpgsqlCommand("""
                SELECT c.id, c.source, c.source_id
                FROM bank_content c
                JOIN unnest($2::text[], $3::text[]) AS wanted (source, source_id)
                  ON c.source = wanted.source AND c.source_id = wanted.source_id
                WHERE c.bank_id = $1
                """, _connection);
            command.Parameters.Add(PostgresRows.Param(_bankId, NpgsqlDbType.Bigint));
            command.Parameters.Add(PostgresRows.Param(sources.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text));
            command.Parameters.Add(PostgresRows.Param(sourceIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                _bySource[(reader.GetString(1), reader.GetString(2))] = reader.GetInt64(0);
        }
    }

    /// <summary>
    /// The id of the item <paramref name="content"/> duplicates (same source and source id, or any
    /// same signal), or null. An id of an addition not yet written is negative.
    /// </summary>
    public long? FindDuplicate(NewContent content)
    {
        if (content.SourceId is not null && Live(_bySource.GetValueOrDefault((content.Source ?? "", content.SourceId), long.MinValue)) is { } bySource)
            return bySource;
        foreach (var signal in content.Signals)
        {
            if (!signal.Type.IsDerived && Live(_bySignal.GetValueOrDefault(signal, long.MinValue)) is { } bySignal)
                return bySignal;
        }
        return null;
    }

    /// <summary>Queues validated, non-duplicate content for insertion.</summary>
    public async ValueTask AddAsync(NewContent content, CancellationToken cancellationToken)
    {
        if (_pendingRemovals.Count > 0)
            await FlushAsync(cancellationToken);
        long placeholder = -1 - _pendingAdds.Count - _assignedIds.Count;
        _pendingAdds.Add(content);
        if (content.SourceId is not null)
            _bySource[(content.Source ?? "", content.SourceId)] = placeholder;
        foreach (var signal in content.Signals)
        {
            if (!signal.Type.IsDerived)
                _bySignal[signal] = placeholder;
        }
    }

    /// <summary>
    /// Queues the removal of what <paramref name="removal"/> names: by source and source id when it
    /// has a source id, else every item holding any of its signals. Returns how many items go.
    /// </summary>
    public async ValueTask<int> RemoveAsync(NewContent removal, CancellationToken cancellationToken)
    {
        if (_pendingAdds.Count > 0)
            await FlushAsync(cancellationToken);
        var ids = new List<long>();
        if (removal.SourceId is not null)
        {
            if (Live(_bySource.GetValueOrDefault((removal.Source ?? "", removal.SourceId), long.MinValue)) is { } id)
                ids.Add(id);
        }
        else
        {
            foreach (var signal in removal.Signals)
            {
                if (!signal.Type.IsDerived && Live(_bySignal.GetValueOrDefault(signal, long.MinValue)) is { } id && !ids.Contains(id))
                    ids.Add(id);
            }
        }
        foreach (long id in ids)
        {
            _removed.Add(id);
            _pendingRemovals.Add(id);
        }
        return ids.Count;
    }

    /// <summary>Writes what is queued. Returns the ids given to the additions written, in order.</summary>
    public async ValueTask<IReadOnlyList<long>> FlushAsync(CancellationToken cancellationToken)
    {
        if (_pendingRemovals.Count > 0)
        {
            // The signals go by ON DELETE CASCADE; the trigger logs their removal.
            await using var command = new NpgsqlCommand("DELETE FROM bank_content WHERE bank_id = $1 AND id = ANY($2)", _connection);
            command.Parameters.Add(PostgresRows.Param(_bankId, NpgsqlDbType.Bigint));
            command.Parameters.Add(PostgresRows.Param(_pendingRemovals.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint));
            await command.ExecuteNonQueryAsync(cancellationToken);
            _pendingRemovals.Clear();
        }
        if (_pendingAdds.Count == 0)
            return [];

        var ids = await AllocateIdsAsync(_pendingAdds.Count, cancellationToken);
        await InsertContentAsync(ids, cancellationToken);
        await InsertSignalsAsync(ids, cancellationToken);
        _assignedIds.AddRange(ids);
        _pendingAdds.Clear();
        return ids;
    }

    /// <summary>The content id a dictionary value stands for, or null when it is absent or removed.</summary>
    private long? Live(long value)
    {
        if (value == long.MinValue)
            return null;
        if (value < 0)
        {
            int index = (int)(-1 - value);
            if (index >= _assignedIds.Count)
                return value; // pending: not written yet, so not removed either
            value = _assignedIds[index];
        }
        return _removed.Contains(value) ? null : value;
    }

    private async Task<long[]> AllocateIdsAsync(int count, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT nextval(pg_get_serial_sequence('bank_content', 'id')) FROM generate_series(1, $1)", _connection);
        command.Parameters.Add(PostgresRows.Param(count, NpgsqlDbType.Integer));
        var ids = new long[count];
        int i = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                ids[i++] = reader.GetInt64(0);
        }
        Array.Sort(ids);
        return ids;
    }

    private async Task InsertContentAsync(long[] ids, CancellationToken cancellationToken)
    {
        int n = _pendingAdds.Count;
        var sources = new string[n];
        var sourceIds = new string?[n];
        var notes = new string?[n];
        var metadata = new string?[n];
        var classifications = new string?[n];
        var disabledUntil = new long?[n];
        for (int i = 0; i < n; i++)
        {
            var content = _pendingAdds[i];
            sources[i] = content.Source ?? "";
            sourceIds[i] = content.SourceId;
            notes[i] = content.Note;
            metadata[i] = content.Metadata;
            classifications[i] = content.Classification;
            disabledUntil[i] = PostgresRows.ToMicros(content.DisabledUntil);
        }
        await using var command = new NpgsqlCommand($"""
            INSERT INTO bank_content (id, bank_id, source, source_id, note, metadata, classification, added_at, disabled_until)
            OVERRIDING SYSTEM VALUE
            SELECT u.id, $1, u.source, u.source_id, u.note, u.metadata, u.classification, $2, {PostgresRows.MicrosToTime("u.disabled_until")}
            FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])
                AS u (id, source, source_id, note, metadata, classification, disabled_until)
            ORDER BY u.id
            """, _connection);
        command.Parameters.Add(PostgresRows.Param(_bankId, NpgsqlDbType.Bigint));
        command.Parameters.Add(PostgresRows.Param(_addedAt, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(PostgresRows.Param(ids, NpgsqlDbType.Array | NpgsqlDbType.Bigint));
        command.Parameters.Add(PostgresRows.Param(sources, NpgsqlDbType.Array | NpgsqlDbType.Text));
        command.Parameters.Add(PostgresRows.Param(sourceIds, NpgsqlDbType.Array | NpgsqlDbType.Text));
        command.Parameters.Add(PostgresRows.Param(notes, NpgsqlDbType.Array | NpgsqlDbType.Text));
        command.Parameters.Add(PostgresRows.Param(metadata, NpgsqlDbType.Array | NpgsqlDbType.Text));
        command.Parameters.Add(PostgresRows.Param(classifications, NpgsqlDbType.Array | NpgsqlDbType.Text));
        command.Parameters.Add(PostgresRows.Param(disabledUntil, NpgsqlDbType.Array | NpgsqlDbType.Bigint));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task InsertSignalsAsync(long[] ids, CancellationToken cancellationToken)
    {
        var contentIds = new List<long>();
        var types = new List<string>();
        var values = new List<string>();
        var keys = new List<long>();
        var limbs = new[] { new List<long?>(), new List<long?>(), new List<long?>(), new List<long?>() };
        for (int i = 0; i < _pendingAdds.Count; i++)
        {
            var signals = _pendingAdds[i].Signals;
            for (int j = 0; j < signals.Count; j++)
            {
                if (RepeatsEarlier(signals, j))
                    continue;
                var signal = signals[j];
                contentIds.Add(ids[i]);
                types.Add(signal.Type.Name);
                values.Add(signal.Value);
                keys.Add(SignalKeys.Of(signal));
                PdqHash? hash = signal.Type.IsPdq ? PdqHash.Parse(signal.Value) : null;
                for (int limb = 0; limb < 4; limb++)
                    limbs[limb].Add(hash is { } h ? unchecked((long)h.GetLimb(limb)) : null);
            }
        }
        await using var command = new NpgsqlCommand("""
            INSERT INTO content_signals (content_id, bank_id, signal_type, value, value_key, pdq0, pdq1, pdq2, pdq3)
            SELECT u.content_id, $1, u.signal_type, u.value, u.value_key, u.pdq0, u.pdq1, u.pdq2, u.pdq3
            FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
                WITH ORDINALITY AS u (content_id, signal_type, value, value_key, pdq0, pdq1, pdq2, pdq3, ord)
            ORDER BY u.ord
            """, _connection);
        command.Parameters.Add(PostgresRows.Param(_bankId, NpgsqlDbType.Bigint));
        command.Parameters.Add(PostgresRows.Param(contentIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint));
        command.Parameters.Add(PostgresRows.Param(types.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text));
        command.Parameters.Add(PostgresRows.Param(values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text));
        command.Parameters.Add(PostgresRows.Param(keys.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint));
        for (int limb = 0; limb < 4; limb++)
            command.Parameters.Add(PostgresRows.Param(limbs[limb].ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose()
    {
        // Nothing held: every command is disposed after its use.
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
