using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;

namespace Vigil.Storage.Postgres;

public sealed partial class PostgresVigilStore
{
    /// <inheritdoc/>
    public async IAsyncEnumerable<PdqFeedEntry> StreamPdqSignalsAsync(IReadOnlyCollection<string>? bankNames = null,
        bool includeDisabledContent = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var bankIds = new List<long>();
        if (bankNames is not null)
        {
            foreach (var name in bankNames)
                bankIds.Add(await RequireBankIdAsync(connection, name, cancellationToken));
        }
        else
        {
            await using var enabled = Command(connection, "SELECT id FROM banks WHERE enabled");
            await using var ids = await enabled.ExecuteReaderAsync(cancellationToken);
            while (await ids.ReadAsync(cancellationToken))
                bankIds.Add(ids.GetInt64(0));
        }
        if (bankIds.Count == 0)
            yield break;

        // One statement, so one snapshot. 'infinity' lets every item through when disabled ones are wanted.
        await using var command = Command(connection, """
            SELECT s.id, s.content_id, s.bank_id, s.pdq0, s.pdq1, s.pdq2, s.pdq3
            FROM content_signals s
            WHERE s.signal_type = 'pdq'
              AND s.bank_id = ANY($1)
              AND s.content_id NOT IN (SELECT id FROM bank_content WHERE disabled_until > $2)
            """,
            PostgresRows.Param(bankIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint),
            PostgresRows.Param(includeDisabledContent ? DateTime.MaxValue : PostgresRows.ToDatabase(DateTimeOffset.UtcNow), NpgsqlDbType.TimestampTz));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return ReadFeedEntry(reader);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One REPEATABLE READ transaction, so the latest change number and the signals come from one
    /// snapshot. Change numbers commit in order (see the class remarks), so the snapshot holds
    /// exactly the changes up to the highest number it sees.
    /// </remarks>
    public async Task<long> ReadPdqSignalsAsync(Action<PdqFeedEntry> onEntry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onEntry);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        long seq;
        await using (var latest = Command(connection, "SELECT COALESCE(MAX(seq), 0) FROM changes"))
            seq = (long)(await latest.ExecuteScalarAsync(cancellationToken))!;
        // A vpdq row brings its text (column 7), a pdq row its limbs.
        await using (var command = Command(connection, """
            SELECT s.id, s.content_id, s.bank_id, s.pdq0, s.pdq1, s.pdq2, s.pdq3,
                   CASE WHEN s.signal_type = 'vpdq' THEN s.value END
            FROM content_signals s
            WHERE s.signal_type IN ('pdq', 'vpdq')
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.IsDBNull(7))
                    VideoFeed.EmitFrames(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(7), onEntry);
                else
                    onEntry(ReadFeedEntry(reader));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return seq;
    }

    private static PdqFeedEntry ReadFeedEntry(NpgsqlDataReader reader)
    {
        var hash = new PdqHash(
            unchecked((ulong)reader.GetInt64(3)), unchecked((ulong)reader.GetInt64(4)),
            unchecked((ulong)reader.GetInt64(5)), unchecked((ulong)reader.GetInt64(6)));
        return new PdqFeedEntry(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), hash);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SignalMatch>> LookupSignalAsync(Signal signal, CancellationToken cancellationToken = default)
    {
        InputValidation.ValidateSignal(signal);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT s.bank_id, b.name, s.content_id
            FROM content_signals s
            JOIN banks b ON b.id = s.bank_id
            WHERE s.value_key = $1 AND s.signal_type = $2 AND s.value = $3
            ORDER BY s.bank_id, s.content_id
            """,
            PostgresRows.Param(SignalKeys.Of(signal), NpgsqlDbType.Bigint),
            PostgresRows.Param(signal.Type.Name, NpgsqlDbType.Text),
            PostgresRows.Param(signal.Value, NpgsqlDbType.Text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var matches = new List<SignalMatch>();
        while (await reader.ReadAsync(cancellationToken))
            matches.Add(new SignalMatch(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
        return matches;
    }

    /// <inheritdoc/>
    /// <remarks>The highest number committed so far; every lower number has committed or rolled back (see the class remarks).</remarks>
    public async Task<long> GetLatestChangeSeqAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, "SELECT COALESCE(MAX(seq), 0) FROM changes");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc/>
    /// <remarks>Numbers may have gaps (rolled-back transactions); none commits after a higher one was readable (see the class remarks).</remarks>
    public async Task<IReadOnlyList<SignalChange>> ReadChangesAsync(long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT seq, bank_id, content_id, signal_type, value, op, changed_at
            FROM changes
            WHERE seq > $1
            ORDER BY seq
            LIMIT $2
            """,
            PostgresRows.Param(afterSeq, NpgsqlDbType.Bigint),
            PostgresRows.Param(limit, NpgsqlDbType.Integer));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<SignalChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new SignalChange(
                Seq: reader.GetInt64(0),
                BankId: reader.GetInt64(1),
                ContentId: reader.GetInt64(2),
                Signal: PostgresRows.ReadSignal(reader, 3, 4),
                Operation: reader.GetString(5) == "add" ? ChangeOperation.Add : ChangeOperation.Remove,
                ChangedAt: PostgresRows.ReadTime(reader, 6)));
        }
        return changes;
    }
}
