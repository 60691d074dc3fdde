namespace Vigil.Exchanges.Sync;

/// <summary>How one fetch of one exchange runs.</summary>
public sealed record FetchLimits
{
    /// <summary>Entries per committed batch (a checkpoint is saved after each). Default 5,000.</summary>
    public int BatchSize { get; init; } = 5_000;

    /// <summary>The longest time entries wait uncommitted, however few. Default 60 s.</summary>
    public TimeSpan CommitEvery { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest one run may take, so one exchange cannot starve the others (the next run goes on from the checkpoint); null for none. Default 5 min.</summary>
    public TimeSpan? MaxRunTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The share of wall time a backfill may keep the server busy (0.05 to 1). Between the full batches
    /// of a long fetch the fetcher rests, so that reading, parsing and committing a batch take at most
    /// this share: on a small machine a backfill at full speed takes the cores that lookups need (on 2
    /// cores it pushed lookup p99 from 1 ms to 40 ms). A fetch that fits in one batch never rests.
    /// Default 0.5; 1 for no rest.
    /// </summary>
    public double BackfillShare
    {
        get => _backfillShare;
        init => _backfillShare = IsBackfillShare(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BackfillShare), value, "the backfill share is 0.05 to 1");
    }

    /// <summary>Whether <paramref name="share"/> is a valid <see cref="BackfillShare"/> (0.05 to 1; NaN is not).</summary>
    public static bool IsBackfillShare(double share) => share is >= 0.05 and <= 1;

    private readonly double _backfillShare = 0.5;

    /// <summary>How long a fetch holds its exchange between commits (a fetcher that dies frees it after this). Default 10 min.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(10);
}
