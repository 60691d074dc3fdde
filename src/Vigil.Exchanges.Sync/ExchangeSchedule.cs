using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Storage;

namespace Vigil.Exchanges.Sync;

/// <summary>How a server fetches its exchanges.</summary>
public sealed record ExchangeScheduleOptions
{
    /// <summary>How often the schedule looks for exchanges that are due. Default 5 s.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How one fetch runs (its batch, commit interval and time cap: 5 min by default, so one exchange cannot starve the others).</summary>
    public FetchLimits Limits { get; init; } = new();

    /// <summary>The schedule's name in its holds, the same across restarts (a server uses its machine and address), or null.
    /// A named schedule frees its own holds when it starts, so a crashed server's exchanges go on at once.</summary>
    public string? Name { get; init; }

    /// <summary>How long an exchange whose credentials were refused waits before it is tried again when nothing shows they changed. Default 1 h.</summary>
    public TimeSpan AuthRetry { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>
/// The server's fetching: every tick, each enabled exchange whose interval has passed since its last
/// fetch ended is fetched, one after another (each run capped in time). Replicas on one database
/// share the work safely: each exchange is held by one fetcher at a time. An exchange whose
/// credentials were refused is left alone until its credentials file changes (or an hour passes).
/// </summary>
public sealed class ExchangeSchedule(IVigilStore store, Func<Exchange, Fetching.IExchangeClient> clients, ExchangeScheduleOptions? options = null,
    TimeProvider? clock = null, ILogger? logger = null)
{
    private readonly ExchangeScheduleOptions _options = options ?? new ExchangeScheduleOptions();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Fetches run since start.</summary>
    public int Runs => _runs;

    private int _runs;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var fetcher = new ExchangeFetcher(store, _options.Limits, _clock, _logger);
        if (_options.Name is { } name)
        {
            try
            {
                int freed = await store.Exchanges.ReleaseHeldExchangesAsync(name, cancellationToken);
                if (freed > 0)
                    _logger.LogWarning("Exchange schedule {Name} took back {Count} exchange(s) its previous run held", name, freed);
            }
            catch (Exception e) when (e is StoreException or System.Data.Common.DbException)
            {
                _logger.LogError(e, "The exchange schedule could not free its previous run's holds; they lapse on their own");
            }
        }
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunDueAsync(fetcher, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is StoreException or System.Data.Common.DbException or IOException)
            {
                _logger.LogError(e, "The exchange schedule failed a round; it goes on at the next tick");
            }
            try
            {
                await Task.Delay(_options.Tick, _clock, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Fetches every exchange that is due now, once; returns how many were fetched.</summary>
    public async Task<int> RunDueAsync(ExchangeFetcher fetcher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fetcher);
        int ran = 0;
        foreach (var exchange in await store.Exchanges.ListExchangesAsync(cancellationToken))
        {
            if (!IsDue(exchange, _clock.GetUtcNow()))
                continue;
            Fetching.IExchangeClient client;
            try
            {
                client = clients(exchange);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or IOException or UriFormatException)
            {
                // A configuration that cannot make a client is the exchange's error, shown like a failed fetch.
                if (await store.Exchanges.TakeExchangeAsync(exchange.Name, _clock.GetUtcNow(), TimeSpan.FromMinutes(1), cancellationToken) is { } lease)
                    await store.Exchanges.FinishFetchAsync(lease, ExchangeRunStatus.Error, e.Message, ExchangeCounts.Zero, _clock.GetUtcNow(), cancellationToken);
                _logger.LogError("Exchange {Exchange} cannot be fetched: {Error}", exchange.Name, e.Message);
                continue;
            }
            if (await fetcher.FetchAsync(exchange.Name, client, cancellationToken: cancellationToken, holder: _options.Name) is not null)
            {
                ran++;
                Interlocked.Increment(ref _runs);
            }
        }
        return ran;
    }

    /// <summary>Whether <paramref name="exchange"/> is due at <paramref name="now"/>.</summary>
    public bool IsDue(Exchange exchange, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        if (!exchange.Enabled)
            return false;
        if (exchange.LastFinishedAt is not { } last)
            return true;
        if (exchange.LastStatus == ExchangeRunStatus.AuthFailed)
            return CredentialsChangedSince(exchange, last) || now - last >= _options.AuthRetry;
        return now - last >= exchange.Interval;
    }

    private static bool CredentialsChangedSince(Exchange exchange, DateTimeOffset when)
    {
        if (exchange.CredentialsFile is not { } file)
            return false;
        try
        {
            return File.Exists(file) && new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero) > when;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
