using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Vigil.Storage.Postgres;

public sealed partial class PostgresVigilStore
{
    private const string AuditColumns = "seq, logged_at, actor, action, subject, detail, previous_hash, hash";

    /// <inheritdoc/>
    public async Task<AuditEntry> AppendAuditAsync(string actor, string action, string subject, string? detailJson,
        CancellationToken cancellationToken = default)
    {
        AuditChain.ValidateFields(actor, action, subject, detailJson);
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
        var entry = AuditChain.Next(head, DateTimeOffset.UtcNow, actor, action, subject, detailJson);
        await using (var insert = Command(connection, """
            INSERT INTO audit_log (seq, logged_at, actor, action, subject, detail, previous_hash, hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            PostgresRows.Param(entry.Seq, NpgsqlDbType.Bigint),
            PostgresRows.Param(PostgresRows.ToDatabase(entry.At), NpgsqlDbType.TimestampTz),
            PostgresRows.Param(entry.Actor, NpgsqlDbType.Text),
            PostgresRows.Param(entry.Action, NpgsqlDbType.Text),
            PostgresRows.Param(entry.Subject, NpgsqlDbType.Text),
            PostgresRows.Param(entry.DetailJson, NpgsqlDbType.Text),
            PostgresRows.Param(entry.PreviousHash, NpgsqlDbType.Text),
            PostgresRows.Param(entry.Hash, NpgsqlDbType.Text)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return entry;
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
