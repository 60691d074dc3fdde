using System.Data.Common;
using System.Runtime.CompilerServices;
using Vigil.Hashing.Signals;

namespace Vigil.Storage.Sql;

/// <summary>Content items and their signals on either engine; additions go through the engine's <see cref="IBankContentWriter"/>.</summary>
internal sealed class SqlContentStore(SqlDatabase db, BankContentWriterFactory createWriter, FeedScans scans) : IContentStore
{
    /// <summary>Content with one row per signal, in content then signal order (see <see cref="ContentAccumulator"/>).</summary>
    private const string ContentSelect = """
        SELECT c.id, c.bank_id, b.name, c.source, c.source_id, c.note, c.metadata, c.classification,
               c.added_at, c.disabled_until, s.signal_type, s.value
        FROM bank_content c
        JOIN banks b ON b.id = c.bank_id
        LEFT JOIN content_signals s ON s.content_id = c.id
        """;

    private const string ContentOrder = "ORDER BY c.id, s.id";

    /// <inheritdoc/>
    public async Task<BankContent> AddContentAsync(string bankName, NewContent content, CancellationToken cancellationToken = default)
    {
        InputValidation.ValidateForAdd(content);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        long contentId;
        await using (var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken))
        {
            long bankId = await SqlBankStore.LockAsync(db, connection, transaction, bankName, cancellationToken);
            using var writer = createWriter(connection, bankId, DateTimeOffset.UtcNow);
            await writer.PrefetchAsync([ImportItem.Add(content)], cancellationToken);
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
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await ReadContentAsync(connection, contentId, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<BankContent> UpdateContentAsync(long contentId, ContentUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Metadata is { HasValue: true, Value: { } metadata })
            InputValidation.ValidateMetadata(metadata);

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using (var command = db.Command(connection, """
            UPDATE bank_content SET
                note = CASE WHEN $2 THEN $3 ELSE note END,
                metadata = CASE WHEN $4 THEN $5 ELSE metadata END,
                classification = CASE WHEN $6 THEN $7 ELSE classification END,
                disabled_until = CASE WHEN $8 THEN $9 ELSE disabled_until END
            WHERE id = $1
            """)
            .With(contentId)
            .With(update.Note.HasValue).With(update.Note.GetValueOrDefault(null))
            .With(update.Metadata.HasValue).With(update.Metadata.GetValueOrDefault(null))
            .With(update.Classification.HasValue).With(update.Classification.GetValueOrDefault(null))
            .With(update.DisabledUntil.HasValue).WithTime(update.DisabledUntil.GetValueOrDefault(null)))
        {
            if (await command.ExecuteAsync(cancellationToken) == 0)
                throw new ContentNotFoundException(contentId);
        }
        return await ReadContentAsync(connection, contentId, cancellationToken) ?? throw new ContentNotFoundException(contentId);
    }

    /// <inheritdoc/>
    public async Task<bool> RemoveContentAsync(long contentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        // Hold the item's bank first, as every writer to a bank does, so that an import running into
        // it never counts a duplicate of an item that is going.
        await using (var lockBank = db.Command(connection,
            $"SELECT b.id FROM banks b JOIN bank_content c ON c.bank_id = b.id WHERE c.id = $1{db.Dialect.ForUpdate("b")}", transaction)
            .With(contentId))
        {
            if (await lockBank.Int64Async(cancellationToken) is null)
                return false;
        }
        // The signals go by ON DELETE CASCADE; the triggers log their removal.
        await using var delete = db.Command(connection, "DELETE FROM bank_content WHERE id = $1", transaction).With(contentId);
        bool deleted = await delete.ExecuteAsync(cancellationToken) > 0;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BankContent> StreamContentAsync(string bankName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        long bankId = await SqlBankStore.RequireIdAsync(db, connection, null, bankName, cancellationToken);
        await using var command = db.Command(connection, $"{ContentSelect} WHERE c.bank_id = $1 {ContentOrder}").With(bankId);
        await using var reader = await command.ReaderAsync(cancellationToken);
        var accumulator = new ContentAccumulator(db.Dialect.ReadTime);
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
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        long bankId = await SqlBankStore.RequireIdAsync(db, connection, null, bankName, cancellationToken);
        await using var command = db.Command(connection, "SELECT COUNT(*) FROM bank_content WHERE bank_id = $1").With(bankId);
        return (await command.Int64Async(cancellationToken))!.Value;
    }

    /// <inheritdoc/>
    public async Task<long> CountSignalsAsync(SignalType type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "SELECT COUNT(*) FROM content_signals WHERE signal_type = $1").With(type.Name);
        return (await command.Int64Async(cancellationToken))!.Value;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SignalMatch>> LookupSignalAsync(Signal signal, CancellationToken cancellationToken = default)
    {
        InputValidation.ValidateSignal(signal);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            SELECT s.bank_id, b.name, s.content_id
            FROM content_signals s
            JOIN banks b ON b.id = s.bank_id
            WHERE s.value_key = $1 AND s.signal_type = $2 AND s.value = $3
            ORDER BY s.bank_id, s.content_id
            """)
            .With(SignalKeys.Of(signal)).With(signal.Type.Name).With(signal.Value);
        return await command.ListAsync(static reader => new SignalMatch(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)), cancellationToken);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ContentBank> StreamContentBanksAsync(CancellationToken cancellationToken = default) =>
        scans.ScanContentBanksAsync(db, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DisabledContent>> ListDisabledContentAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // Served by the partial index bank_content_disabled.
        await using var command = db.Command(connection,
            "SELECT id, disabled_until FROM bank_content WHERE disabled_until IS NOT NULL AND disabled_until > $1").WithTime(now);
        return await command.ListAsync(reader => new DisabledContent(reader.GetInt64(0), db.Dialect.ReadTime(reader, 1)), cancellationToken);
    }

    private async Task<BankContent?> ReadContentAsync(DbConnection connection, long contentId, CancellationToken cancellationToken)
    {
        await using var command = db.Command(connection, $"{ContentSelect} WHERE c.id = $1 {ContentOrder}").With(contentId);
        await using var reader = await command.ReaderAsync(cancellationToken);
        var accumulator = new ContentAccumulator(db.Dialect.ReadTime);
        while (await reader.ReadAsync(cancellationToken))
            accumulator.Add(reader);
        return accumulator.Finish();
    }
}
