using Npgsql;
using NpgsqlTypes;

namespace Vigil.Storage.Postgres;

public sealed partial class PostgresVigilStore
{
    /// <inheritdoc/>
    public async Task<ImportSummary> ImportAsync(string bankName, IAsyncEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var import = new PostgresImport(connection, bankName, await RequireBankIdAsync(connection, bankName, cancellationToken),
            options ?? new ImportOptions(), progress);
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await import.ProcessAsync(item, cancellationToken);
        }
        return await import.CompleteAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ImportSummary> ImportAsync(string bankName, IEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var import = new PostgresImport(connection, bankName, await RequireBankIdAsync(connection, bankName, cancellationToken),
            options ?? new ImportOptions(), progress);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await import.ProcessAsync(item, cancellationToken);
        }
        return await import.CompleteAsync(cancellationToken);
    }
}

/// <summary>
/// One import in progress: collects <see cref="ImportOptions.BatchSize"/> items, then applies them in
/// one transaction holding the bank's row lock, through <see cref="PostgresContentWriter"/>'s
/// set-based statements (two prefetch queries, then one multi-row insert per run of additions).
/// </summary>
/// <remarks>
/// Each batch is one PostgreSQL transaction, so a stopped import (an exception, cancellation, a
/// killed process, a dropped connection) leaves the bank as it was plus whole committed batches.
/// Items are gathered before the transaction starts, so a slow source never holds the bank's lock.
/// </remarks>
internal sealed class PostgresImport
{
    private readonly NpgsqlConnection _connection;
    private readonly string _bankName;
    private readonly long _bankId;
    private readonly int _batchSize;
    private readonly IProgress<ImportSummary>? _progress;
    private readonly List<ImportItem> _pending;
    private ImportSummary _committed = new(0, 0, 0, 0);

    public PostgresImport(NpgsqlConnection connection, string bankName, long bankId, ImportOptions options, IProgress<ImportSummary>? progress)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        _connection = connection;
        _bankName = bankName;
        _bankId = bankId;
        _batchSize = options.BatchSize;
        _progress = progress;
        _pending = new List<ImportItem>(Math.Min(_batchSize, 100_000));
    }

    /// <summary>Takes the next item; writes a batch when one is full.</summary>
    public async Task ProcessAsync(ImportItem item, CancellationToken cancellationToken)
    {
        InputValidation.ValidateImportItem(item);
        _pending.Add(item);
        if (_pending.Count == _batchSize)
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
        await using (var transaction = await _connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var lockBank = new NpgsqlCommand("SELECT id FROM banks WHERE id = $1 FOR UPDATE", _connection))
            {
                lockBank.Parameters.Add(PostgresRows.Param(_bankId, NpgsqlDbType.Bigint));
                if (await lockBank.ExecuteScalarAsync(cancellationToken) is not long)
                    throw new BankNotFoundException(_bankName);
            }
            var writer = new PostgresContentWriter(_connection, _bankId, DateTimeOffset.UtcNow);
            await writer.PrefetchAsync(_pending.Select(item => item.Content), cancellationToken);
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
        _progress?.Report(_committed);
    }
}
