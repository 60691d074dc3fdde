using Microsoft.Extensions.Hosting;
using Vigil.Exchanges.Sync;

namespace Vigil.Server;

/// <summary>Sends the exchange feedback queue for as long as the server runs (beside the exchange schedule, and off with it).</summary>
public sealed class ExchangeFeedbackHost(ExchangeFeedbackSender sender) : BackgroundService
{
    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => sender.RunAsync(stoppingToken);
}
