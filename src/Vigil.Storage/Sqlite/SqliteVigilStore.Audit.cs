using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Vigil.Storage.Sqlite;

public sealed partial class SqliteVigilStore
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
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO audit_log (seq, logged_at, actor, action, subject, detail, previous_hash, hash)
            VALUES ($seq, $at, $actor, $action, $subject, $detail, $previous, $hash)
            """;
        var parameters = new[] { "$seq", "$at", "$actor", "$action", "$subject", "$detail", "$previous", "$hash" };
        foreach (string name in parameters)
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        insert.Prepare();
        var appended = new AuditEntry[records.Count];
        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var entry = appended[i] = AuditChain.Next(head, now, record.Actor, record.Action, record.Subject, record.DetailJson);
            insert.Parameters[0].Value = entry.Seq;
            insert.Parameters[1].Value = UnixMicros.From(entry.At);
            insert.Parameters[2].Value = entry.Actor;
            insert.Parameters[3].Value = entry.Action;
            insert.Parameters[4].Value = entry.Subject;
            insert.Parameters[5].Value = (object?)entry.DetailJson ?? DBNull.Value;
            insert.Parameters[6].Value = entry.PreviousHash;
            insert.Parameters[7].Value = entry.Hash;
            insert.ExecuteNonQuery();
            head = entry;
        }
        transaction.Commit();
        return appended;
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
