using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Banks;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// Loads the bank index in the background (the service answers <c>/status</c> with 503 until it is
/// ready) and then follows the store's change log, so bank changes made through any replica are
/// matched here within about a second.
/// </summary>
public sealed class MatcherHost(IVigilStore store, ServerSettings settings, ILogger<MatcherHost> logger) : BackgroundService
{
    private volatile BankMatcher? _matcher;

    /// <summary>The matcher once the index is loaded, else null.</summary>
    public BankMatcher? Matcher => _matcher;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var log = new StringWriter();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (_matcher is null)
        {
            try
            {
                _matcher = await BankMatcher.LoadAsync(store, [], log, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "loading the bank index failed; retrying in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
        if (log.ToString().Length > 0)
            logger.LogWarning("{Warnings}", log.ToString().Trim());
        logger.LogInformation("bank index ready: {Hashes} PDQ hashes at change {Seq} in {Seconds:F1} s",
            _matcher.HashCount, _matcher.AppliedSeq, clock.Elapsed.TotalSeconds);
        var followLog = new LoggerTextWriter(logger);
        await _matcher.FollowAsync(settings.FollowInterval, followLog, stoppingToken);
    }

    /// <summary>Sends the follower's warnings to the logger.</summary>
    private sealed class LoggerTextWriter(ILogger logger) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void WriteLine(string? value) => logger.LogWarning("{Message}", value);
    }
}
