using Vigil.Review;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>Review's audit entries through the server's one audit trail (the chain is appended in one place), committed before the call returns.</summary>
internal sealed class ServerReviewAudit(AuditTrail trail) : IReviewAudit
{
    public Task RecordAsync(string actor, string action, string subject, string? detailJson, CancellationToken cancellationToken) =>
        trail.RecordDurablyAsync(new AuditRecord(actor, action, subject, detailJson), cancellationToken);
}
