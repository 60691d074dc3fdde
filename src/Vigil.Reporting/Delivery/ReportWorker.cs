using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Reporting.Client;
using Vigil.Storage;

namespace Vigil.Reporting.Delivery;

/// <summary>How the report worker runs.</summary>
public sealed record ReportWorkerOptions
{
    /// <summary>How often an idle worker looks for cases decided <c>report</c> and reports due. Default 2 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Reports worked at once by this process. Default 4 (each is mostly waiting on NCMEC).</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>How long the worker stops taking reports after NCMEC refused the credentials. Default 15 min.</summary>
    public TimeSpan CredentialsPause { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// This worker's name, unique among the workers on one database and the same across its restarts (the server uses its
    /// machine and port). A worker with a name frees the reports it held when it starts, so a report a crash left held
    /// goes on at once instead of when its lease ends. Null: no name (claims are anonymous; leases just lapse).
    /// </summary>
    public string? Name { get; init; }
}

/// <summary>
/// The outbox's worker: checks <c>GET /status</c> at start, queues every case decided <c>report</c>,
/// and works due reports (several at once) through <see cref="ReportDelivery"/> until stopped. Any
/// number of workers may share one PostgreSQL database: each report is held by one at a time.
/// </summary>
public sealed class ReportWorker
{
    private readonly IVigilStore _store;
    private readonly ReportDelivery _delivery;
    private readonly CyberTiplineClient _client;
    private readonly ReportWorkerOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    /// <summary>A worker over <paramref name="store"/>'s outbox.</summary>
    public ReportWorker(IVigilStore store, ReportDelivery delivery, CyberTiplineClient client, ReportWorkerOptions? options = null,
        TimeProvider? clock = null, ILogger? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _delivery = delivery ?? throw new ArgumentNullException(nameof(delivery));
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? new ReportWorkerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Parallelism, 1);
        _clock = clock ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Status = new ReportingStatus(client.BaseAddress, CyberTiplineEnvironments.IsProduction(client.BaseAddress));
    }

    /// <summary>What the worker knows of the CyberTipline.</summary>
    public ReportingStatus Status { get; }

    /// <summary>Reports this worker finished since it started.</summary>
    public int Filed => _filed;

    private int _filed;

    /// <summary>Asks the worker to look for work now rather than at its next poll (a case was just decided <c>report</c>).</summary>
    public void Wake() => _wake.Release(_options.Parallelism);

    /// <summary>Checks <c>GET /status</c> once and records the answer.</summary>
    public async Task CheckStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            var answer = await _client.GetStatusAsync(cancellationToken);
            Status.Checked(_clock.GetUtcNow(), true, answer.ResponseDescription);
            _logger.LogInformation("CyberTipline at {Endpoint} answers: {Message}", _client.BaseAddress, answer.ResponseDescription);
        }
        catch (CyberTiplineAuthenticationException e)
        {
            // Every report would be refused the same way: take none until the pause ends.
            Status.Checked(_clock.GetUtcNow(), false, $"NCMEC refused the credentials ({e.Code}: {e.Description})");
            PauseForCredentials();
        }
        catch (CyberTiplineException e)
        {
            Status.Checked(_clock.GetUtcNow(), false, e.Message);
            _logger.LogWarning("CyberTipline at {Endpoint} does not answer its status: {Error}", _client.BaseAddress, e.Message);
        }
        catch (HttpRequestException e)
        {
            Status.Checked(_clock.GetUtcNow(), false, e.Message);
            _logger.LogWarning("CyberTipline at {Endpoint} cannot be reached: {Error}", _client.BaseAddress, e.Message);
        }
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_options.Name is { } name)
        {
            // Whatever this name held, its previous run held: that process is gone.
            int freed = await _store.Reports.ReleaseHeldReportsAsync(name, cancellationToken);
            if (freed > 0)
                _logger.LogWarning("Report worker {Name} took back {Count} report(s) its previous run held; each resumes at its saved step", name, freed);
        }
        await CheckStatusAsync(cancellationToken);
        var lanes = new Task[_options.Parallelism];
        for (int i = 0; i < lanes.Length; i++)
            lanes[i] = LaneAsync(i == 0, cancellationToken);
        try
        {
            await Task.WhenAll(lanes);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Works reports until none is due, then returns how many it worked (the CLI's <c>report send</c> and the tests).</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        int worked = 0;
        await _store.Reports.QueueDecidedCasesAsync(_clock.GetUtcNow(), 1000, cancellationToken);
        while (await _store.Reports.ClaimNextReportAsync(_clock.GetUtcNow(), _delivery.Lease, cancellationToken, _options.Name) is { } claim)
        {
            await WorkAsync(claim, cancellationToken);
            worked++;
        }
        return worked;
    }

    private async Task LaneAsync(bool queues, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            bool worked = false;
            try
            {
                if (Status.Current.PausedUntil is { } until && until > _clock.GetUtcNow())
                {
                    await Task.Delay(until - _clock.GetUtcNow(), _clock, cancellationToken);
                    Status.Paused(null);
                    await CheckStatusAsync(cancellationToken);
                    continue;
                }
                if (queues && await _store.Reports.QueueDecidedCasesAsync(_clock.GetUtcNow(), 500, cancellationToken) > 0)
                    _wake.Release(_options.Parallelism);
                if (await _store.Reports.ClaimNextReportAsync(_clock.GetUtcNow(), _delivery.Lease, cancellationToken, _options.Name) is { } claim)
                {
                    await WorkAsync(claim, cancellationToken);
                    worked = true;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is StoreException or System.Data.Common.DbException or InvalidOperationException or IOException)
            {
                _logger.LogError(e, "The report worker failed a round; it goes on after its poll interval");
            }
            if (!worked)
                await _wake.WaitAsync(_options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WorkAsync(ClaimedReport claim, CancellationToken cancellationToken)
    {
        var report = await _delivery.RunAsync(claim, cancellationToken);
        if (report.State == ReportState.Finished)
            Interlocked.Increment(ref _filed);
        else if (report.State == ReportState.Failed && report.LastCode is Model.ResponseCodes.AuthenticationRequired or Model.ResponseCodes.NotAuthorized)
            PauseForCredentials();
    }

    /// <summary>Stops taking reports for <see cref="ReportWorkerOptions.CredentialsPause"/>: every report would be refused alike (no retry storm).</summary>
    private void PauseForCredentials()
    {
        var until = _clock.GetUtcNow() + _options.CredentialsPause;
        Status.Paused(until);
        _logger.LogError("NCMEC refused the credentials; the report worker takes no report until {Until}", until);
    }
}
