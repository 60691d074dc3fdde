using System.Data.Common;

namespace Vigil.Storage.Sql;

/// <summary>
/// Imports on either engine: items are gathered into batches of <see cref="ImportOptions.BatchSize"/>
/// and each batch is applied in one write transaction holding the bank, through the engine's
/// <see cref="IBankContentWriter"/>.
/// </summary>
/// <remarks>
/// A stopped import (an exception, cancellation, a killed process, a dropped connection) leaves the
/// bank as it was plus whole committed batches, never part of one: each batch is one transaction,
/// and both engines keep a transaction atomic across a crash (SQLite in WAL mode ignores the frames
/// of a transaction without its commit record; with synchronous = NORMAL a power cut may undo the
/// last few batches, which leaves a shorter prefix). Items are gathered before the transaction
/// starts, so a slow source (a download) never holds the lock other writers wait on.
/// </remarks>
internal sealed class SqlImportStore(SqlDatabase db, BankContentWriterFactory createWriter) : IImportStore
{
    /// <inheritdoc/>
    public async Task<ImportSummary> ImportAsync(string bankName, IAsyncEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var import = await StartAsync(connection, bankName, options, progress, cancellationToken);
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await import.AddAsync(item, cancellationToken);
        }
        return await import.CompleteAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ImportSummary> ImportAsync(string bankName, IEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var import = await StartAsync(connection, bankName, options, progress, cancellationToken);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await import.AddAsync(item, cancellationToken);
        }
        return await import.CompleteAsync(cancellationToken);
    }

    private async Task<BatchedImport> StartAsync(DbConnection connection, string bankName, ImportOptions? options,
        IProgress<ImportSummary>? progress, CancellationToken cancellationToken)
    {
        options ??= new ImportOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        long bankId = await SqlBankStore.RequireIdAsync(db, connection, null, bankName, cancellationToken);
        return new BatchedImport(db, createWriter, connection, bankName, bankId, options.BatchSize, progress);
    }

    /// <summary>One import in progress: the batch being gathered and the totals committed so far.</summary>
    private sealed class BatchedImport(SqlDatabase db, BankContentWriterFactory createWriter, DbConnection connection, string bankName,
        long bankId, int batchSize, IProgress<ImportSummary>? progress)
    {
        private readonly List<ImportItem> _pending = new(Math.Min(batchSize, 100_000));
        private ImportSummary _committed = new(0, 0, 0, 0);

        /// <summary>Takes the next item; writes a batch when one is full.</summary>
        public async ValueTask AddAsync(ImportItem item, CancellationToken cancellationToken)
        {
            InputValidation.ValidateImportItem(item);
            _pending.Add(item);
            if (_pending.Count == batchSize)
                await WriteBatchAsync(cancellationToken);
        }

        /// <summary>Writes the last, partial batch and returns the totals.</summary>
        public async Task<ImportSummary> CompleteAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count > 0)
                await WriteBatchAsync(cancellationToken);
            return _committed;
        }

        private async Task WriteBatchAsync(CancellationToken cancellationToken)
        {
            long added = 0, unchanged = 0, removed = 0, notFound = 0;
            await using (var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken))
            {
                await using (var lockBank = db.Command(connection, $"SELECT id FROM banks WHERE id = $1{db.Dialect.ForUpdate()}", transaction).With(bankId))
                {
                    if (await lockBank.Int64Async(cancellationToken) is null)
                        throw new BankNotFoundException(bankName);
                }
                using var writer = createWriter(connection, bankId, DateTimeOffset.UtcNow);
                await writer.PrefetchAsync(_pending, cancellationToken);
                foreach (var item in _pending)
                {
                    if (item.Operation == ImportOperation.Add)
                    {
                        if (writer.FindDuplicate(item.Content) is null)
                        {
                            await writer.AddAsync(item.Content, cancellationToken);
                            added++;
                        }
                        else
                        {
                            unchanged++;
                        }
                    }
                    else if (await writer.RemoveAsync(item.Content, cancellationToken) > 0)
                    {
                        removed++;
                    }
                    else
                    {
                        notFound++;
                    }
                }
                await writer.FlushAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            _pending.Clear();
            _committed = new ImportSummary(
                _committed.Added + added, _committed.Unchanged + unchanged, _committed.Removed + removed, _committed.NotFound + notFound);
            progress?.Report(_committed);
        }
    }
}
