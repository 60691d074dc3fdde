using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Banks;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// Loads the bank index in the background (the service answers <c>/status</c> with 503 until it is
/// ready) and then follows the store's change log, so bank changes made through any replica are
/// matched here within about a second. The index loads from the store's latest snapshot (on
/// PostgreSQL kept in the database, so any replica can use it) plus the changes since, or is built
/// from the rows; how, and every snapshot saved while following, goes to the log.
/// </summary>
public sealed class MatcherHost(IVigilStore store, ServerSettings settings, ILogger<MatcherHost> logger) : BackgroundService
{
    private volatile BankMatcher? _matcher;

    /// <summary>The matcher once the index is loaded, else null.</summary>
    public BankMatcher? Matcher => _matcher;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Reports from loading, following and background snapshots (which run in this flow).
        using var indexReports = BankIndexLog.Listen(
            message => logger.LogInformation("{Message}", message),
            message => logger.LogWarning("{Message}", message));
        var log = new StringWriter();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        BankMatcher? matcher = null;
        while (matcher is null)
        {
            try
            {
                matcher = await BankMatcher.LoadAsync(store, [], log, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "loading the bank index failed; retrying in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
        // Logged before /status turns 200, so the log tells how the index was loaded by the time it is used.
        if (log.ToString().Length > 0)
            logger.LogWarning("{Warnings}", log.ToString().Trim());
        logger.LogInformation("bank index ready: {Hashes} PDQ hashes at change {Seq} in {Seconds:F1} s",
            matcher.HashCount, matcher.AppliedSeq, clock.Elapsed.TotalSeconds);
        _matcher = matcher;
        var followLog = new LoggerTextWriter(logger);
        await matcher.FollowAsync(settings.FollowInterval, followLog, stoppingToken);
    }

    /// <summary>Sends the follower's warnings to the logger.</summary>
    private sealed class LoggerTextWriter(ILogger logger) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void WriteLine(string? value) => logger.LogWarning("{Message}", value);
    }
}
