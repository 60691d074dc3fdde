using Microsoft.Extensions.Logging;
using Vigil.Storage;

namespace Vigil.Review.Evidence;

/// <summary>
/// Purges case evidence past retention on a schedule, the same purge <c>vigil review purge</c> runs
/// (<see cref="ReviewService.PurgeAsync"/>: reported cases a year or more after the report, dismissed
/// ones after 30 days, never a case under legal hold; and conversations that never opened an item, 90 days after their
/// last message). The first round runs at start-up; a round that
/// fails is logged and the next one comes at the next interval, so an outage never deletes early and
/// never stops the sweeping for good. Running it on several replicas is safe: a case's media is
/// deleted once, by whichever gets there first.
/// </summary>
public sealed class RetentionSweeper(ReviewService review, TimeSpan interval, TimeProvider clock, ILogger<RetentionSweeper> logger)
{
    /// <summary>The actor the audit log names for scheduled purges.</summary>
    public const string Actor = "system:retention";

    private long _rounds;

    /// <summary>How long the sweeper waits between rounds.</summary>
    public TimeSpan Interval { get; } = interval > TimeSpan.Zero ? interval
        : throw new ArgumentOutOfRangeException(nameof(interval), "the retention sweep interval must be positive");

    /// <summary>Rounds finished (successful or not) since start.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Sweeps until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var purged = await review.PurgeAsync(Actor, cancellationToken);
                if (!purged.IsEmpty)
                    logger.LogInformation("Retention purged the evidence of {Count} case(s) and {Conversations} idle conversation(s)",
                        purged.Cases.Count, purged.IdleConversations);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is StoreException or System.Data.Common.DbException or IOException)
            {
                logger.LogError(e, "A retention sweep failed; the next one runs in {Interval}", Interval);
            }
            Interlocked.Increment(ref _rounds);
            try
            {
                await Task.Delay(Interval, clock, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
