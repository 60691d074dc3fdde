namespace Vigil.Storage;

/// <summary>Hash lists imported into a bank in committed batches.</summary>
/// <remarks>Part of <see cref="IVigilStore"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IImportStore
{
    /// <summary>
    /// Imports a hash list into a bank, idempotently: an addition whose signal (same type and value)
    /// or whose source and source id the bank already holds is counted as unchanged. Items are
    /// committed in batches of <see cref="ImportOptions.BatchSize"/>; if the import stops (an
    /// exception, cancellation, the process killed) the bank keeps exactly the batches committed
    /// before, never part of a batch.
    /// </summary>
    /// <param name="bankName">The bank to import into.</param>
    /// <param name="items">Valid items (the caller reports lines it could not parse).</param>
    /// <param name="options">Batch size; null for the defaults.</param>
    /// <param name="progress">Told the running totals after every committed batch.</param>
    /// <param name="cancellationToken">Stops the import, rolling back the batch in progress.</param>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    Task<ImportSummary> ImportAsync(string bankName, IAsyncEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ImportAsync(string, IAsyncEnumerable{ImportItem}, ImportOptions?, IProgress{ImportSummary}?, CancellationToken)"/>
    Task<ImportSummary> ImportAsync(string bankName, IEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default);
}
