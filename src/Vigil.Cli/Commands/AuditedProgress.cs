using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// Keeps an import's committed totals in its audit outcome (see <see cref="CliAuditor"/>) as the
/// batches commit, so an import that fails or is stopped halfway is recorded with what it did;
/// passes each report on to <c>inner</c>, if any.
/// </summary>
internal sealed class AuditedProgress(Dictionary<string, object?> outcome, IProgress<ImportSummary>? inner) : IProgress<ImportSummary>
{
    /// <inheritdoc/>
    public void Report(ImportSummary value)
    {
        Record(outcome, value);
        inner?.Report(value);
    }

    /// <summary>Writes an import's totals into an audit outcome.</summary>
    public static void Record(Dictionary<string, object?> outcome, ImportSummary summary)
    {
        outcome["added"] = summary.Added;
        outcome["unchanged"] = summary.Unchanged;
        outcome["removed"] = summary.Removed;
        outcome["not_found"] = summary.NotFound;
    }
}
