using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Vigil.Storage.Sql;

/// <summary>
/// The audit log on either engine. An append reads the chain's head and writes after it inside one
/// write transaction that keeps every other appender out (SQLite's single writer; on PostgreSQL an
/// EXCLUSIVE lock on the table, which plain reads pass), so appenders in any process extend one
/// chain, never fork it.
/// </summary>
internal sealed class SqlAuditLog(SqlDatabase db) : IAuditLog
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
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        if (db.Dialect.LockTableForWriting("audit_log") is { } lockTable)
        {
            await using var command = db.Command(connection, lockTable, transaction);
            await command.ExecuteAsync(cancellationToken);
        }
        AuditEntry? head;
        await using (var read = db.Command(connection, $"SELECT {AuditColumns} FROM audit_log ORDER BY seq DESC LIMIT 1", transaction))
            head = await read.FirstOrNullAsync(ReadAuditEntry, cancellationToken);

        var appended = new AuditEntry[records.Count];
        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i];
            head = appended[i] = AuditChain.Next(head, now, record.Actor, record.Action, record.Subject, record.DetailJson);
        }
        // Multi-row INSERTs: a busy service appends up to a thousand entries at once, and one
        // statement per entry would cost PostgreSQL a round trip each.
        int rowsPerInsert = MultiRowValues.RowsPerStatement(8);
        for (int start = 0; start < appended.Length; start += rowsPerInsert)
        {
            int count = Math.Min(rowsPerInsert, appended.Length - start);
            await using var insert = db.Command(connection, $"INSERT INTO audit_log ({AuditColumns}) VALUES {MultiRowValues.Of(count, 8)}", transaction);
            for (int i = start; i < start + count; i++)
            {
                var entry = appended[i];
                insert.With(entry.Seq).WithTime(entry.At).With(entry.Actor).With(entry.Action).With(entry.Subject).With(entry.DetailJson)
                    .With(entry.PreviousHash).With(entry.Hash);
            }
            await insert.ExecuteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return appended;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditEntry> ReadAuditAsync(long afterSeq = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"SELECT {AuditColumns} FROM audit_log WHERE seq > $1 ORDER BY seq").With(afterSeq);
        await using var reader = await command.ReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return ReadAuditEntry(reader);
    }

    private AuditEntry ReadAuditEntry(DbDataReader reader) => new(
        reader.GetInt64(0), db.Dialect.ReadTime(reader, 1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetString(7));
}
