namespace Vigil.Storage;

/// <summary>An exchange to add: where Vigil fetches a hash list from, and the bank it fills.</summary>
/// <param name="Name">Its name (letters, digits, '_', '-', '.'; up to 100).</param>
/// <param name="Type"><c>ncmec</c>, <c>stopncii</c>, <c>threatexchange</c> or <c>url</c>.</param>
/// <param name="Bank">The bank its entries go into.</param>
public sealed record NewExchange(string Name, string Type, string Bank)
{
    /// <summary>A base URL other than the exchange's own (a test environment, a proxy, a fake), or null.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>The type's options as a JSON object (privacy group, environment, list URL and format, ...).</summary>
    public string OptionsJson { get; init; } = "{}";

    /// <summary>The file holding the credentials (a JSON object with the type's keys); the secrets stay in the file, never in the database.</summary>
    public string? CredentialsFile { get; init; }

    /// <summary>How often the server fetches it. Default 60 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>What to change of an exchange; null leaves a setting as it is.</summary>
public sealed record ExchangeUpdate
{
    /// <summary>Whether the server fetches it.</summary>
    public bool? Enabled { get; init; }

    /// <summary>How often the server fetches it (1 s to 7 days).</summary>
    public TimeSpan? Interval { get; init; }
}

/// <summary>How an exchange's last fetch ended.</summary>
public enum ExchangeRunStatus
{
    /// <summary>Never fetched.</summary>
    Never,

    /// <summary>Fetched to the end (or to the run's time cap) without an error.</summary>
    Ok,

    /// <summary>Failed (the exchange was unavailable through every retry, or answered something unreadable); tried again at the next interval.</summary>
    Error,

    /// <summary>The exchange refused the credentials: not fetched again until they are fixed (the exchange is changed or its credentials file is).</summary>
    AuthFailed,
}

/// <summary>An exchange with its configuration and where its fetching stands.</summary>
public sealed record Exchange
{
    /// <summary>Its id.</summary>
    public required long Id { get; init; }

    /// <summary>Its name.</summary>
    public required string Name { get; init; }

    /// <summary>Its type.</summary>
    public required string Type { get; init; }

    /// <summary>The bank it fills.</summary>
    public required string Bank { get; init; }

    /// <summary>A base URL other than the exchange's own, or null.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>The type's options (a JSON object).</summary>
    public string OptionsJson { get; init; } = "{}";

    /// <summary>The credentials file, or null (credentials from the environment).</summary>
    public string? CredentialsFile { get; init; }

    /// <summary>How often the server fetches it.</summary>
    public required TimeSpan Interval { get; init; }

    /// <summary>Whether the server fetches it.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>When it was added.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The client's checkpoint after the last committed page, or null (a fetch starts from the beginning).</summary>
    public string? Checkpoint { get; init; }

    /// <summary>When the exchange's data the checkpoint stands for was current.</summary>
    public DateTimeOffset? CheckpointAt { get; init; }

    /// <summary>How the last fetch ended.</summary>
    public ExchangeRunStatus LastStatus { get; init; } = ExchangeRunStatus.Never;

    /// <summary>The last fetch's error, or null.</summary>
    public string? LastError { get; init; }

    /// <summary>When the last fetch started.</summary>
    public DateTimeOffset? LastStartedAt { get; init; }

    /// <summary>When the last fetch ended.</summary>
    public DateTimeOffset? LastFinishedAt { get; init; }

    /// <summary>What the last fetch did.</summary>
    public ExchangeCounts Last { get; init; } = ExchangeCounts.Zero;

    /// <summary>What every fetch did, summed.</summary>
    public ExchangeCounts Total { get; init; } = ExchangeCounts.Zero;
}

/// <summary>What fetches did to the bank.</summary>
/// <param name="Added">Entries added.</param>
/// <param name="Removed">Entries removed (deleted or withdrawn at the exchange, or gone from a list's file).</param>
/// <param name="Skipped">Entries left as they were (already held, nothing to remove) or that could not be read.</param>
public sealed record ExchangeCounts(long Added, long Removed, long Skipped)
{
    /// <summary>Nothing.</summary>
    public static readonly ExchangeCounts Zero = new(0, 0, 0);

    /// <summary>Both summed.</summary>
    public static ExchangeCounts operator +(ExchangeCounts a, ExchangeCounts b) =>
        new(a.Added + b.Added, a.Removed + b.Removed, a.Skipped + b.Skipped);
}

/// <summary>An exchange held by one fetcher until <see cref="Until"/>: only its holder saves checkpoints and results.</summary>
/// <param name="Exchange">The exchange as taken.</param>
/// <param name="Token">The hold's token.</param>
/// <param name="Until">When the hold lapses.</param>
public sealed record ExchangeLease(Exchange Exchange, string Token, DateTimeOffset Until);

/// <summary>A bank whose review-confirmed content an admin shares to an exchange.</summary>
/// <param name="Exchange">The exchange's name.</param>
/// <param name="ExchangeType">The exchange's type.</param>
/// <param name="Bank">The bank's name.</param>
/// <param name="EnabledBy">Who turned it on.</param>
/// <param name="EnabledAt">When.</param>
public sealed record ExchangeShare(string Exchange, string ExchangeType, string Bank, string EnabledBy, DateTimeOffset EnabledAt);
