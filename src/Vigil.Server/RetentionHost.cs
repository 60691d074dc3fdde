using Microsoft.Extensions.Hosting;
using Vigil.Review.Evidence;

namespace Vigil.Server;

/// <summary>Runs the evidence retention sweep for as long as the server runs.</summary>
public sealed class RetentionHost(RetentionSweeper sweeper) : BackgroundService
{
    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => sweeper.RunAsync(stoppingToken);
}
