using Microsoft.Extensions.Hosting;
using Vigil.Reporting.Delivery;

namespace Vigil.Server;

/// <summary>Runs the report worker for as long as the server runs (only when reporting is configured).</summary>
public sealed class ReportingHost(ReportWorker worker) : BackgroundService
{
    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => worker.RunAsync(stoppingToken);
}
