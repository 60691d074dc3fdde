using Microsoft.Data.Sqlite;

namespace Vigil.Storage.Sqlite;

public sealed partial class SqliteVigilStore
{
    /// <inheritdoc/>
    public async Task<ImportSummary> ImportAsync(string bankName, IAsyncEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var import = new SqliteImport(connection, RequireBankId(connection, null, bankName), options ?? new ImportOptions(), progress);
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            import.Process(item);
        }
        return import.Complete();
    }

    /// <inheritdoc/>
    public async Task<ImportSummary> ImportAsync(string bankName, IEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var import = new SqliteImport(connection, RequireBankId(connection, null, bankName), options ?? new ImportOptions(), progress);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            import.Process(item);
        }
        return import.Complete();
    }
}

/// <summary>
/// One import in progress: collects <see cref="ImportOptions.BatchSize"/> items, then applies them
/// through prepared statements in one transaction.
/// </summary>
/// <remarks>
/// Each batch is one SQLite transaction, and SQLite in WAL mode keeps a transaction atomic even when
/// the process is killed or the machine loses power: the WAL frames of a transaction without its
/// commit record are ignored on the next open. So a stopped import leaves the bank as it was plus
/// whole committed batches (a clean prefix of the items), never a half-written batch or a corrupt
/// file. (A killed process loses no committed batch; with synchronous = NORMAL a power cut may also
/// undo the last few, which leaves a shorter prefix.) Items are gathered before the transaction starts, so a slow source (a download) never
/// holds the write lock that other writers wait on.
/// </remarks>
internal sealed class SqliteImport : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteContentWriter _writer;
    private readonly int _batchSize;
    private readonly IProgress<ImportSummary>? _progress;
    private readonly List<ImportItem> _pending;
    private ImportSummary _committed = new(0, 0, 0, 0);

    public SqliteImport(SqliteConnection connection, long bankId, ImportOptions options, IProgress<ImportSummary>? progress)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        _connection = connection;
        _writer = new SqliteContentWriter(connection, bankId);
        _batchSize = options.BatchSize;
        _progress = progress;
        _pending = new List<ImportItem>(Math.Min(_batchSize, 100_000));
    }

    /// <summary>Takes the next item; writes a batch when one is full.</summary>
    public void Process(ImportItem item)
    {
        InputValidation.ValidateImportItem(item);
        _pending.Add(item);
        if (_pending.Count == _batchSize)
            WriteBatch();
    }

    /// <summary>Writes the last, partial batch and returns the totals.</summary>
    public ImportSummary Complete()
    {
        if (_pending.Count > 0)
            WriteBatch();
        return _committed;
    }

    public void Dispose() => _writer.Dispose();

    private void WriteBatch()
    {
        long added = 0, unchanged = 0, removed = 0, notFound = 0;
        long addedAt = UnixMicros.Now();
        using (var transaction = _connection.BeginTransaction())
        {
            foreach (var item in _pending)
            {
                if (item.Operation == ImportOperation.Add)
                {
                    if (_writer.FindDuplicate(item.Content) is null)
                    {
                        _writer.Insert(item.Content, addedAt);
                        added++;
                    }
                    else
                    {
                        unchanged++;
                    }
                }
                else if (_writer.Remove(item.Content) > 0)
                {
                    removed++;
                }
                else
                {
                    notFound++;
                }
            }
            transaction.Commit();
        }
        _pending.Clear();
        _committed = new ImportSummary(
            _committed.Added + added, _committed.Unchanged + unchanged, _committed.Removed + removed, _committed.NotFound + notFound);
        _progress?.Report(_committed);
    }
}
