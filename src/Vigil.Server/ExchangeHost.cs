using Microsoft.Extensions.Hosting;
using Vigil.Exchanges.Sync;

namespace Vigil.Server;

/// <summary>Runs the exchange schedule for as long as the server runs (unless the settings turn fetching off).</summary>
public sealed class ExchangeHost(ExchangeSchedule schedule) : BackgroundService
{
    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => schedule.RunAsync(stoppingToken);
}
