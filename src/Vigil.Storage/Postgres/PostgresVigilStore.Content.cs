using Vigil.Hashing.Signals;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Vigil.Storage.Postgres;

public sealed partial class PostgresVigilStore
{
    /// <inheritdoc/>
    public async Task<BankContent> AddContentAsync(string bankName, NewContent content, CancellationToken cancellationToken = default)
    {
        InputValidation.ValidateForAdd(content);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        long contentId;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            long bankId = await LockBankAsync(connection, bankName, cancellationToken);
            var writer = new PostgresContentWriter(connection, bankId, DateTimeOffset.UtcNow);
            await writer.PrefetchAsync([content], cancellationToken);
            if (writer.FindDuplicate(content) is { } existing)
                throw new DuplicateContentException(bankName, existing);
            await writer.AddAsync(content, cancellationToken);
            contentId = (await writer.FlushAsync(cancellationToken))[0];
            await transaction.CommitAsync(cancellationToken);
        }
        return await ReadContentAsync(connection, contentId, cancellationToken) ?? throw new ContentNotFoundException(contentId);
    }

    /// <inheritdoc/>
    public async Task<BankContent?> GetContentAsync(long contentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadContentAsync(connection, contentId, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<BankContent> UpdateContentAsync(long contentId, ContentUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Metadata is { HasValue: true, Value: { } metadata })
            InputValidation.ValidateMetadata(metadata);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using (var command = Command(connection, """
            UPDATE bank_content SET
                note = CASE WHEN $2 THEN $3 ELSE note END,
                metadata = CASE WHEN $4 THEN $5 ELSE metadata END,
                classification = CASE WHEN $6 THEN $7 ELSE classification END,
                disabled_until = CASE WHEN $8 THEN $9 ELSE disabled_until END
            WHERE id = $1
            """,
            PostgresRows.Param(contentId, NpgsqlDbType.Bigint),
            PostgresRows.Param(update.Note.HasValue, NpgsqlDbType.Boolean),
            PostgresRows.Param(update.Note.GetValueOrDefault(null), NpgsqlDbType.Text),
            PostgresRows.Param(update.Metadata.HasValue, NpgsqlDbType.Boolean),
            PostgresRows.Param(update.Metadata.GetValueOrDefault(null), NpgsqlDbType.Text),
            PostgresRows.Param(update.Classification.HasValue, NpgsqlDbType.Boolean),
            PostgresRows.Param(update.Classification.GetValueOrDefault(null), NpgsqlDbType.Text),
            PostgresRows.Param(update.DisabledUntil.HasValue, NpgsqlDbType.Boolean),
            PostgresRows.Param(update.DisabledUntil.GetValueOrDefault(null) is { } until ? PostgresRows.ToDatabase(until) : null, NpgsqlDbType.TimestampTz)))
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
                throw new ContentNotFoundException(contentId);
        }
        return await ReadContentAsync(connection, contentId, cancellationToken) ?? throw new ContentNotFoundException(contentId);
    }

    /// <inheritdoc/>
    public async Task<bool> RemoveContentAsync(long contentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Lock the item's bank first, as every writer to a bank does, so that an import running into
        // it never counts a duplicate of an item that is going.
        await using (var lockBank = Command(connection,
            "SELECT b.id FROM banks b JOIN bank_content c ON c.bank_id = b.id WHERE c.id = $1 FOR UPDATE OF b",
            PostgresRows.Param(contentId, NpgsqlDbType.Bigint)))
        {
            if (await lockBank.ExecuteScalarAsync(cancellationToken) is not long)
                return false;
        }
        // The signals go by ON DELETE CASCADE; the trigger logs their removal.
        await using var delete = Command(connection, "DELETE FROM bank_content WHERE id = $1", PostgresRows.Param(contentId, NpgsqlDbType.Bigint));
        bool deleted = await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BankContent> StreamContentAsync(string bankName,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        long bankId = await RequireBankIdAsync(connection, bankName, cancellationToken);
        await using var command = Command(connection, $"{PostgresRows.ContentSelect} WHERE c.bank_id = $1 {PostgresRows.ContentOrder}",
            PostgresRows.Param(bankId, NpgsqlDbType.Bigint));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accumulator = new ContentAccumulator(static (reader, ordinal) => PostgresRows.ReadTime((NpgsqlDataReader)reader, ordinal));
        while (await reader.ReadAsync(cancellationToken))
        {
            if (accumulator.Add(reader) is { } completed)
                yield return completed;
        }
        if (accumulator.Finish() is { } last)
            yield return last;
    }

    /// <inheritdoc/>
    public async Task<long> CountContentAsync(string bankName, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        long bankId = await RequireBankIdAsync(connection, bankName, cancellationToken);
        await using var command = Command(connection, "SELECT COUNT(*) FROM bank_content WHERE bank_id = $1",
            PostgresRows.Param(bankId, NpgsqlDbType.Bigint));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc/>
    public async Task<long> CountSignalsAsync(SignalType type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, "SELECT COUNT(*) FROM content_signals WHERE signal_type = $1",
            PostgresRows.Param(type.Name, NpgsqlDbType.Text));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<BankContent?> ReadContentAsync(NpgsqlConnection connection, long contentId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"{PostgresRows.ContentSelect} WHERE c.id = $1 {PostgresRows.ContentOrder}",
            PostgresRows.Param(contentId, NpgsqlDbType.Bigint));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accumulator = new ContentAccumulator(static (reader, ordinal) => PostgresRows.ReadTime((NpgsqlDataReader)reader, ordinal));
        while (await reader.ReadAsync(cancellationToken))
            accumulator.Add(reader);
        return accumulator.Finish();
    }
}
