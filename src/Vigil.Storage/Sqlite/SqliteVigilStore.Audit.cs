using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Vigil.Storage.Sqlite;

public sealed partial class SqliteVigilStore
{
    private const string AuditColumns = "seq, logged_at, actor, action, subject, detail, previous_hash, hash";

    /// <inheritdoc/>
    public async Task<AuditEntry> AppendAuditAsync(string actor, string action, string subject, string? detailJson,
        CancellationToken cancellationToken = default)
    {
        AuditChain.ValidateFields(actor, action, subject, detailJson);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the write lock is taken before the head
        // is read, so appenders in any process queue here and each extends the head the last one wrote.
        using var transaction = connection.BeginTransaction();
        AuditEntry? head;
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = $"SELECT {AuditColumns} FROM audit_log ORDER BY seq DESC LIMIT 1";
            using var reader = read.ExecuteReader();
            head = reader.Read() ? ReadAuditEntry(reader) : null;
        }
        var entry = AuditChain.Next(head, DateTimeOffset.UtcNow, actor, action, subject, detailJson);
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO audit_log (seq, logged_at, actor, action, subject, detail, previous_hash, hash)
                VALUES ($seq, $at, $actor, $action, $subject, $detail, $previous, $hash)
                """;
            insert.Parameters.AddWithValue("$seq", entry.Seq);
            insert.Parameters.AddWithValue("$at", UnixMicros.From(entry.At));
            insert.Parameters.AddWithValue("$actor", entry.Actor);
            insert.Parameters.AddWithValue("$action", entry.Action);
            insert.Parameters.AddWithValue("$subject", entry.Subject);
            insert.Parameters.AddWithValue("$detail", (object?)entry.DetailJson ?? DBNull.Value);
            insert.Parameters.AddWithValue("$previous", entry.PreviousHash);
            insert.Parameters.AddWithValue("$hash", entry.Hash);
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
        return entry;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditEntry> ReadAuditAsync(long afterSeq = 0,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditColumns} FROM audit_log WHERE seq > $after ORDER BY seq";
        command.Parameters.AddWithValue("$after", afterSeq);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ReadAuditEntry(reader);
        }
    }

    private static AuditEntry ReadAuditEntry(SqliteDataReader reader) => new(
        reader.GetInt64(0), UnixMicros.ToTime(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetString(7));
}
