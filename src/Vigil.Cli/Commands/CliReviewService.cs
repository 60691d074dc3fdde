using Vigil.Review;
using Vigil.Review.Actions;
using Vigil.Review.Evidence;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// The review service a CLI command works through: the store's cases, banks and audit log, the system clock, the
/// command's action rules (none unless it has <c>--actions</c>) and the evidence vault when it has the key.
/// </summary>
internal static class CliReviewService
{
    public static ReviewService For(IVigilStore store, ReviewOptions options, IActionSink? actions = null, IMediaVault? vault = null) =>
        new(store.Cases, store, store, new StoreReviewAudit(store), actions ?? NoActions.Instance, options, TimeProvider.System, vault);
}
