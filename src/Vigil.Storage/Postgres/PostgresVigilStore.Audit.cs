using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Vigil.Storage.Postgres;

public sealed partial class PostgresVigilStore
{
    private const string AuditColumns = "seq, logged_at, actor, action, subject, detail, previous_hash, hash";

    /// <inheritdoc/>
    public async Task<AuditEntry> AppendAuditAsync(string actor, string action, string subject, string? detailJson,
        CancellationToken cancellationToken = default) =>
        (await AppendAuditAsync([new AuditRecord(actor, action, subject, detailJson)], cancellationToken))[0];

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditEntry>> AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        AuditChain.ValidateFields(records);
        if (records.Count == 0)
            return [];
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // EXCLUSIVE mode conflicts with itself and with every write, not with plain reads: appenders
        // in every process queue here, and each reads the head the previous one committed.
        await using (var lockTable = Command(connection, "LOCK TABLE audit_log IN EXCLUSIVE MODE"))
            await lockTable.ExecuteNonQueryAsync(cancellationToken);
        AuditEntry? head;
        await using (var read = Command(connection, $"SELECT {AuditColumns} FROM audit_log ORDER BY seq DESC LIMIT 1"))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            head = await reader.ReadAsync(cancellationToken) ? ReadAuditEntry(reader) : null;

        var appended = new AuditEntry[records.Count];
        var seqs = new long[records.Count];
        var times = new DateTime[records.Count];
        var actors = new string[records.Count];
        var actions = new string[records.Count];
        var subjects = new string[records.Count];
        var details = new string?[records.Count];
        var previous = new string[records.Count];
        var hashes = new string[records.Count];
        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var entry = appended[i] = AuditChain.Next(head, now, record.Actor, record.Action, record.Subject, record.DetailJson);
            seqs[i] = entry.Seq;
            times[i] = PostgresRows.ToDatabase(entry.At);
            actors[i] = entry.Actor;
            actions[i] = entry.Action;
            subjects[i] = entry.Subject;
            details[i] = entry.DetailJson;
            previous[i] = entry.PreviousHash;
            hashes[i] = entry.Hash;
            head = entry;
        }
        // One statement for the whole batch.
        await using (var insert = Command(connection, """
            INSERT INTO audit_log (seq, logged_at, actor, action, subject, detail, previous_hash, hash)
            SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            PostgresRows.Param(seqs, NpgsqlDbType.Array | NpgsqlDbType.Bigint),
            PostgresRows.Param(times, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz),
            PostgresRows.Param(actors, NpgsqlDbType.Array | NpgsqlDbType.Text),
            PostgresRows.Param(actions, NpgsqlDbType.Array | NpgsqlDbType.Text),
            PostgresRows.Param(subjects, NpgsqlDbType.Array | NpgsqlDbType.Text),
            PostgresRows.Param(details, NpgsqlDbType.Array | NpgsqlDbType.Text),
            PostgresRows.Param(previous, NpgsqlDbType.Array | NpgsqlDbType.Text),
            PostgresRows.Param(hashes, NpgsqlDbType.Array | NpgsqlDbType.Text)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return appended;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditEntry> ReadAuditAsync(long afterSeq = 0,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {AuditColumns} FROM audit_log WHERE seq > $1 ORDER BY seq",
            PostgresRows.Param(afterSeq, NpgsqlDbType.Bigint));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return ReadAuditEntry(reader);
    }

    private static AuditEntry ReadAuditEntry(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), PostgresRows.ReadTime(reader, 1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        PostgresRows.GetStringOrNull(reader, 5), reader.GetString(6), reader.GetString(7));
}
