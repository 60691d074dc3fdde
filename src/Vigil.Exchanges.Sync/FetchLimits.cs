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

    /// <summary>How long a fetch holds its exchange between commits (a fetcher that dies frees it after this). Default 10 min.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(10);
}
