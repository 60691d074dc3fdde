namespace Vigil.Storage;

/// <summary>
/// Hash exchanges: their configuration (never their secrets: a credentials file's path at most),
/// their checkpoints and how their fetches went. A fetch holds its exchange by a lease, so exactly one
/// fetcher (one replica, one process) fetches an exchange at a time on either engine.
/// </summary>
/// <remarks>At <see cref="IVigilStore.Exchanges"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IExchangeStore
{
    /// <summary>Adds an exchange.</summary>
    /// <exception cref="ArgumentException">A name, type or interval that is not allowed (the message says which).</exception>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    /// <exception cref="ExchangeExistsException">An exchange has that name already.</exception>
    Task<Exchange> AddExchangeAsync(NewExchange exchange, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>One exchange by name, or null.</summary>
    Task<Exchange?> GetExchangeAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every exchange, by name.</summary>
    Task<IReadOnlyList<Exchange>> ListExchangesAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes whether the server fetches an exchange and how often; null when there is none of that name.</summary>
    /// <exception cref="ArgumentException">An interval that is not allowed.</exception>
    Task<Exchange?> UpdateExchangeAsync(string name, ExchangeUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Removes an exchange (its entries stay in the bank); false when there is none of that name.</summary>
    Task<bool> RemoveExchangeAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Holds an exchange for a fetch until <paramref name="now"/> + <paramref name="lease"/>, or null when another fetcher holds it;
    /// <paramref name="holder"/> names the fetcher in the hold (see <see cref="ReleaseHeldExchangesAsync"/>), and
    /// <paramref name="takeOver"/> takes it even from another holder (an operator's choice when that fetcher is known to be gone).
    /// </summary>
    Task<ExchangeLease?> TakeExchangeAsync(string name, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default,
        string? holder = null, bool takeOver = false);

    /// <summary>Frees every exchange <paramref name="holder"/> holds (a restarted server's previous run); returns how many.</summary>
    Task<int> ReleaseHeldExchangesAsync(string holder, CancellationToken cancellationToken = default);

    /// <summary>Saves the checkpoint after a committed page and renews the hold; false when the hold is no longer the holder's.</summary>
    Task<bool> SaveCheckpointAsync(ExchangeLease lease, string checkpoint, DateTimeOffset checkpointAt, ExchangeCounts soFar, DateTimeOffset now,
        TimeSpan renewFor, CancellationToken cancellationToken = default);

    /// <summary>Clears the checkpoint (the next fetch starts from the beginning), under the hold.</summary>
    Task<bool> ClearCheckpointAsync(ExchangeLease lease, CancellationToken cancellationToken = default);

    /// <summary>Records how the fetch ended (adding its counts to the totals) and lets the exchange go.</summary>
    Task FinishFetchAsync(ExchangeLease lease, ExchangeRunStatus status, string? error, ExchangeCounts counts, DateTimeOffset now,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Turns sharing a bank's review-confirmed content to an exchange on (<paramref name="share"/>, recording
    /// <paramref name="actor"/> and <paramref name="now"/>) or off; false when it already was so.
    /// </summary>
    /// <exception cref="ExchangeNotFoundException">No exchange has that name.</exception>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    Task<bool> SetSharingAsync(string exchange, string bank, bool share, string actor, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The banks shared to exchanges, by exchange then bank: all, or only one exchange's or one bank's (a null filter takes every one).</summary>
    Task<IReadOnlyList<ExchangeShare>> ListSharesAsync(string? exchange = null, string? bank = null, CancellationToken cancellationToken = default);

    /// <summary>The source ids of a bank's entries from one source, in order, after <paramref name="after"/> (a list's snapshot compares with them).</summary>
    Task<IReadOnlyList<string>> ListSourceIdsAsync(string bank, string source, string? after, int limit, CancellationToken cancellationToken = default);
}

/// <summary>An exchange of that name exists already.</summary>
public sealed class ExchangeExistsException(string name) : StoreException($"an exchange named '{name}' exists already")
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;
}

/// <summary>No exchange has that name.</summary>
public sealed class ExchangeNotFoundException(string name) : StoreException($"exchange '{name}' not found")
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;
}
