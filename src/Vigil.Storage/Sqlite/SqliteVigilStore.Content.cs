using Vigil.Hashing.Signals;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Vigil.Storage.Sqlite;

public sealed partial class SqliteVigilStore
{
    /// <inheritdoc/>
    public async Task<BankContent> AddContentAsync(string bankName, NewContent content, CancellationToken cancellationToken = default)
    {
        InputValidation.ValidateForAdd(content);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        long contentId;
        using (var transaction = connection.BeginTransaction())
        {
            long bankId = RequireBankId(connection, transaction, bankName);
            using var writer = new SqliteContentWriter(connection, bankId);
            if (writer.FindDuplicate(content) is { } existing)
                throw new DuplicateContentException(bankName, existing);
            contentId = writer.Insert(content, UnixMicros.Now());
            transaction.Commit();
        }
        return ReadContent(connection, contentId) ?? throw new ContentNotFoundException(contentId);
    }

    /// <inheritdoc/>
    public async Task<BankContent?> GetContentAsync(long contentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return ReadContent(connection, contentId);
    }

    /// <inheritdoc/>
    public async Task<BankContent> UpdateContentAsync(long contentId, ContentUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Metadata is { HasValue: true, Value: { } metadata })
            InputValidation.ValidateMetadata(metadata);

        await using var connection = await OpenConnectionAsync(cancellationToken);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                UPDATE bank_content SET
                    note = CASE WHEN $set_note THEN $note ELSE note END,
                    metadata = CASE WHEN $set_metadata THEN $metadata ELSE metadata END,
                    classification = CASE WHEN $set_classification THEN $classification ELSE classification END,
                    disabled_until = CASE WHEN $set_disabled_until THEN $disabled_until ELSE disabled_until END
                WHERE id = $id
                """;
            command.Parameters.AddWithValue("$id", contentId);
            AddOptional(command, "note", update.Note, value => value);
            AddOptional(command, "metadata", update.Metadata, value => value);
            AddOptional(command, "classification", update.Classification, value => value);
            AddOptional(command, "disabled_until", update.DisabledUntil, value => value is { } time ? UnixMicros.From(time) : null);
            if (command.ExecuteNonQuery() == 0)
                throw new ContentNotFoundException(contentId);
        }
        return ReadContent(connection, contentId) ?? throw new ContentNotFoundException(contentId);
    }

    /// <inheritdoc/>
    public async Task<bool> RemoveContentAsync(long contentId, CancellationToken cancellationToken = default)
    {
        // The signals go by ON DELETE CASCADE; the triggers log their removal.
        return await DeleteRowAsync("DELETE FROM bank_content WHERE id = $key", contentId, cancellationToken);
    }

    /// <summary>Runs one DELETE (with its cascades and triggers) in its own transaction; true if a row went.</summary>
    private async Task<bool> DeleteRowAsync(string sql, object key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$key", key);
        bool deleted = command.ExecuteNonQuery() > 0;
        transaction.Commit();
        return deleted;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BankContent> StreamContentAsync(string bankName,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        long bankId = RequireBankId(connection, null, bankName);
        using var command = connection.CreateCommand();
        command.CommandText = $"{SqliteRows.ContentSelect} WHERE c.bank_id = $bank {SqliteRows.ContentOrder}";
        command.Parameters.AddWithValue("$bank", bankId);
        using var reader = command.ExecuteReader();
        var accumulator = new ContentAccumulator(static (reader, ordinal) => UnixMicros.ToTime(reader.GetInt64(ordinal)));
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (accumulator.Add(reader) is { } completed)
                yield return completed;
        }
        if (accumulator.Finish() is { } last)
            yield return last;
    }

    /// <inheritdoc/>
    public async Task<long> CountContentAsync(string bankName, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        long bankId = RequireBankId(connection, null, bankName);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM bank_content WHERE bank_id = $bank";
        command.Parameters.AddWithValue("$bank", bankId);
        return (long)command.ExecuteScalar()!;
    }

    /// <inheritdoc/>
    public async Task<long> CountSignalsAsync(SignalType type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM content_signals WHERE signal_type = $type";
        command.Parameters.AddWithValue("$type", type.Name);
        return (long)command.ExecuteScalar()!;
    }

    private static BankContent? ReadContent(SqliteConnection connection, long contentId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"{SqliteRows.ContentSelect} WHERE c.id = $id {SqliteRows.ContentOrder}";
        command.Parameters.AddWithValue("$id", contentId);
        using var reader = command.ExecuteReader();
        var accumulator = new ContentAccumulator(static (reader, ordinal) => UnixMicros.ToTime(reader.GetInt64(ordinal)));
        while (reader.Read())
            accumulator.Add(reader);
        return accumulator.Finish();
    }

    private static void AddOptional<T>(SqliteCommand command, string name, Optional<T> value, Func<T, object?> toDatabase)
    {
        command.Parameters.AddWithValue($"$set_{name}", value.HasValue);
        command.Parameters.AddWithValue($"${name}", value.HasValue ? toDatabase(value.Value) ?? DBNull.Value : DBNull.Value);
    }
}
