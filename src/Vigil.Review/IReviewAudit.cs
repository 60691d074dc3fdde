namespace Vigil.Review;

/// <summary>
/// Where review records what reviewers did (claims, releases, decisions, media views) in the
/// hash-chained audit log; the entry is committed before the call returns, so a media view is on
/// record before a byte of it is sent.
/// </summary>
public interface IReviewAudit
{
    /// <summary>Records one entry durably.</summary>
    /// <param name="actor">Who (the reviewer's key name, or <c>cli:USER@HOST</c>).</param>
    /// <param name="action">What, e.g. <c>case.claim</c>.</param>
    /// <param name="subject">On what, e.g. <c>case/12/item/31</c>.</param>
    /// <param name="detailJson">Details as JSON, or null.</param>
    /// <param name="cancellationToken">Stops waiting (the entry may still be written).</param>
    Task RecordAsync(string actor, string action, string subject, string? detailJson, CancellationToken cancellationToken);
}

/// <summary>The audit straight into a store's log (the command line; the service goes through its audit trail).</summary>
/// <param name="log">The store's audit log.</param>
public sealed class StoreReviewAudit(Vigil.Storage.IAuditLog log) : IReviewAudit
{
    /// <inheritdoc/>
    public async Task RecordAsync(string actor, string action, string subject, string? detailJson, CancellationToken cancellationToken) =>
        await log.AppendAuditAsync(actor, action, subject, detailJson, cancellationToken);
}
