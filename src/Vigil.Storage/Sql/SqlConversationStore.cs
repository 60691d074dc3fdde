using System.Data.Common;

namespace Vigil.Storage.Sql;

/// <summary>Conversations for risk scoring on either engine.</summary>
internal sealed class SqlConversationStore(SqlDatabase db) : IConversationStore
{
    private const int MessageColumns = 11;

    /// <inheritdoc/>
    public async Task<int> AppendMessagesAsync(string conversation, IReadOnlyList<StoredMessage> messages, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        ArgumentNullException.ThrowIfNull(messages);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long held;
        await using (var count = db.Command(connection, "SELECT COUNT(*) FROM conversation_messages WHERE conversation = $1", transaction).With(conversation))
            held = (await count.Int64Async(cancellationToken)) ?? 0;
        if (held + messages.Count > IConversationStore.MaxMessages)
            throw new StoreException($"conversation '{conversation}' would hold more than {IConversationStore.MaxMessages:N0} messages");
        // One statement per batch of rows; the ids keep the order sent.
        int rowsPerInsert = MultiRowValues.RowsPerStatement(MessageColumns);
        for (int start = 0; start < messages.Count; start += rowsPerInsert)
        {
            int rows = Math.Min(rowsPerInsert, messages.Count - start);
            await using var insert = db.Command(connection, $"""
                INSERT INTO conversation_messages (conversation, sender, recipient, sent_at, body, sender_is_minor, recipient_is_minor, sender_age, recipient_age, received_at, sealed_text)
                VALUES {MultiRowValues.Of(rows, MessageColumns)}
                """, transaction);
            for (int i = start; i < start + rows; i++)
            {
                var m = messages[i];
                insert.With(conversation).With(m.Sender).With(m.Recipient).WithTime(m.SentAt).With(m.Text).With(m.SenderIsMinor).With(m.RecipientIsMinor)
                    .With(m.SenderAge).With(m.RecipientAge).WithTime(now).With(m.SealedText);
            }
            await insert.ExecuteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (int)held + messages.Count;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredMessage>> ReadMessagesAsync(string conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            SELECT sender, recipient, sent_at, body, sender_is_minor, recipient_is_minor, sender_age, recipient_age, sealed_text
            FROM conversation_messages WHERE conversation = $1 ORDER BY id
            """).With(conversation);
        return await command.ListAsync(ReadMessage, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> TryClaimItemAsync(string conversation, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // A claim whose item was never recorded (its caller failed in between) is taken over once it is stale, so the
        // conversation is not kept out of review for good; a recorded item is never claimed again.
        await using var command = db.Command(connection, """
            INSERT INTO conversations (conversation, updated_at) VALUES ($1, $2)
            ON CONFLICT (conversation) DO UPDATE SET updated_at = excluded.updated_at
            WHERE conversations.item_id IS NULL AND conversations.updated_at < $3
            """).With(conversation).WithTime(now).WithTime(now - IConversationStore.StaleClaim);
        return await command.ExecuteAsync(cancellationToken) == 1;
    }

    /// <inheritdoc/>
    public async Task SetItemAsync(string conversation, long caseId, long itemId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "UPDATE conversations SET case_id = $2, item_id = $3, updated_at = $4 WHERE conversation = $1")
            .With(conversation).With(caseId).With(itemId).WithTime(now);
        if (await command.ExecuteAsync(cancellationToken) != 1)
            throw new StoreException($"conversation '{conversation}' was not claimed before its item was recorded");
    }

    /// <inheritdoc/>
    public async Task<(long CaseId, long ItemId)?> GetItemAsync(string conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "SELECT case_id, item_id FROM conversations WHERE conversation = $1 AND item_id IS NOT NULL")
            .With(conversation);
        await using var reader = await command.ReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    private StoredMessage ReadMessage(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), db.Dialect.ReadTime(reader, 2), reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetBoolean(4), reader.IsDBNull(5) ? null : reader.GetBoolean(5),
        reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<byte[]>(8));
}
