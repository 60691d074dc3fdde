using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;

namespace Vigil.Storage.Sqlite;

public sealed partial class SqliteVigilStore
{
    /// <inheritdoc/>
    public async IAsyncEnumerable<PdqFeedEntry> StreamPdqSignalsAsync(IReadOnlyCollection<string>? bankNames = null,
        bool includeDisabledContent = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var bankIds = FeedBankIds(connection, bankNames);
        if (bankIds.Count == 0)
            yield break;

        // NOT INDEXED: always a sequential scan of the table, never a walk of an index that fetches
        // every row from it. The few disabled items are read once into a set.
        using var statement = new SqliteStatement(connection, $"""
            SELECT s.id, s.content_id, s.bank_id, s.pdq0, s.pdq1, s.pdq2, s.pdq3
            FROM content_signals AS s NOT INDEXED
            WHERE s.signal_type = 'pdq'
              AND s.bank_id IN ({IdList(bankIds)})
              AND s.content_id NOT IN (SELECT id FROM bank_content WHERE disabled_until > ?1)
            """);
        // Far in the future: no content is disabled that long, so the filter lets everything through.
        statement.Bind(1, includeDisabledContent ? long.MaxValue : UnixMicros.Now());
        try
        {
            while (statement.Step())
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return ReadFeedEntry(statement);
            }
        }
        finally
        {
            statement.Reset();
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One deferred (read) transaction: in WAL mode it reads one snapshot of the file from its first
    /// read to its end, so the change number and the signals agree, while writers go on.
    /// </remarks>
    public async Task<long> ReadPdqSignalsAsync(Action<PdqFeedEntry> onEntry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onEntry);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: true);
        long seq;
        using (var latest = connection.CreateCommand())
        {
            latest.Transaction = transaction;
            latest.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM changes";
            seq = (long)latest.ExecuteScalar()!;
        }
        // NOT INDEXED: a sequential scan of the table (as in StreamPdqSignalsAsync). A vpdq row
        // brings its text (column 7), a pdq row its limbs.
        using (var statement = new SqliteStatement(connection, """
            SELECT s.id, s.content_id, s.bank_id, s.pdq0, s.pdq1, s.pdq2, s.pdq3,
                   CASE WHEN s.signal_type = 'vpdq' THEN s.value END
            FROM content_signals AS s NOT INDEXED
            WHERE s.signal_type IN ('pdq', 'vpdq')
            """))
        {
            try
            {
                for (int row = 0; statement.Step(); row++)
                {
                    if ((row & 0xFFFF) == 0)
                        cancellationToken.ThrowIfCancellationRequested();
                    if (statement.GetStringOrNull(7) is { } vpdq)
                        VideoFeed.EmitFrames(statement.GetInt64(0), statement.GetInt64(1), statement.GetInt64(2), vpdq, onEntry);
                    else
                        onEntry(ReadFeedEntry(statement));
                }
            }
            finally
            {
                statement.Reset();
            }
        }
        transaction.Commit();
        return seq;
    }

    private static PdqFeedEntry ReadFeedEntry(SqliteStatement statement)
    {
        var hash = new PdqHash(
            unchecked((ulong)statement.GetInt64(3)), unchecked((ulong)statement.GetInt64(4)),
            unchecked((ulong)statement.GetInt64(5)), unchecked((ulong)statement.GetInt64(6)));
        return new PdqFeedEntry(statement.GetInt64(0), statement.GetInt64(1), statement.GetInt64(2), hash);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SignalMatch>> LookupSignalAsync(Signal signal, CancellationToken cancellationToken = default)
    {
        InputValidation.ValidateSignal(signal);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT s.bank_id, b.name, s.content_id
            FROM content_signals s
            JOIN banks b ON b.id = s.bank_id
            WHERE s.value_key = $key AND s.signal_type = $type AND s.value = $value
            ORDER BY s.bank_id, s.content_id
            """;
        command.Parameters.AddWithValue("$key", SignalKeys.Of(signal));
        command.Parameters.AddWithValue("$type", signal.Type.Name);
        command.Parameters.AddWithValue("$value", signal.Value);
        using var reader = command.ExecuteReader();
        var matches = new List<SignalMatch>();
        while (reader.Read())
            matches.Add(new SignalMatch(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
        return matches;
    }

    /// <inheritdoc/>
    public async Task<long> GetLatestChangeSeqAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM changes";
        return (long)command.ExecuteScalar()!;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SignalChange>> ReadChangesAsync(long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seq, bank_id, content_id, signal_type, value, op, changed_at
            FROM changes
            WHERE seq > $after
            ORDER BY seq
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$after", afterSeq);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var changes = new List<SignalChange>();
        while (reader.Read())
        {
            changes.Add(new SignalChange(
                Seq: reader.GetInt64(0),
                BankId: reader.GetInt64(1),
                ContentId: reader.GetInt64(2),
                Signal: SqliteRows.ReadSignal(reader, 3, 4),
                Operation: reader.GetString(5) == "add" ? ChangeOperation.Add : ChangeOperation.Remove,
                ChangedAt: UnixMicros.ToTime(reader.GetInt64(6))));
        }
        return changes;
    }

    /// <summary>The ids of the named banks, or of every enabled bank when no names are given.</summary>
    private static List<long> FeedBankIds(SqliteConnection connection, IReadOnlyCollection<string>? bankNames)
    {
        var ids = new List<long>();
        if (bankNames is not null)
        {
            foreach (var name in bankNames)
                ids.Add(RequireBankId(connection, null, name));
            return ids;
        }
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM banks WHERE enabled = 1";
        using var reader = command.ExecuteReader();
        while (reader.Read())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    // The ids are integers read from the database, so writing them into the SQL is safe.
    private static string IdList(List<long> ids)
    {
        var text = new StringBuilder();
        foreach (long id in ids)
        {
            if (text.Length > 0)
                text.Append(',');
            text.Append(id.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
