using Vigil.Cli.Interaction;
using Vigil.Reporting.Delivery;
using Vigil.Storage;

namespace Vigil.Cli.Reports;

/// <summary>
/// Works one report to its end in this process (<c>vigil report send</c>, <c>vigil report retry</c>),
/// through the same <see cref="ReportDelivery"/> the server's worker uses, and prints each line of its
/// history as it is saved. It waits out a back-off; when another worker (a running <c>vigil serve</c>)
/// holds the report it follows that one's progress instead.
/// </summary>
internal sealed class ReportRunner(IVigilStore store, ReportDelivery delivery, TextWriter output)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs the report until it is finished, failed or retracted; <paramref name="printed"/> history lines were shown already.</summary>
    public async Task<OutboxReport> RunAsync(long reportId, int printed, CancellationToken cancellationToken)
    {
        bool toldHeld = false;
        while (true)
        {
            var claim = await store.Reports.ClaimReportAsync(reportId, DateTimeOffset.UtcNow, delivery.Lease, cancellationToken);
            OutboxReport report;
            if (claim is not null)
            {
                var run = delivery.RunAsync(claim, cancellationToken);
                // Not cancelled itself: on Ctrl-C the run stops (giving the report back) and this loop ends with it.
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(Poll, CancellationToken.None));
                    printed = await PrintAsync(reportId, printed, CancellationToken.None);
                }
                report = await run;
            }
            else
            {
                report = await store.Reports.GetReportAsync(reportId, cancellationToken) ?? throw new StoreException($"report {reportId} is gone");
            }
            printed = await PrintAsync(reportId, printed, cancellationToken);
            if (report.State is ReportState.Finished or ReportState.Failed or ReportState.Retracted)
                return report;
            if (claim is null)
            {
                if (!toldHeld)
                {
                    output.WriteLine($"  report {reportId} is held by another worker (a running 'vigil serve'?); following it");
                    output.Flush();
                    toldHeld = true;
                }
                await Task.Delay(Poll, cancellationToken);
                continue;
            }
            var wait = report.NextAttemptAt - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                output.WriteLine($"  next try at {TimeText.Utc(report.NextAttemptAt)}; Ctrl-C stops waiting and leaves the report to the server's worker");
                output.Flush();
                await Task.Delay(wait, cancellationToken);
            }
        }
    }

    private async Task<int> PrintAsync(long reportId, int printed, CancellationToken cancellationToken)
    {
        var history = await store.Reports.ListReportEventsAsync(reportId, cancellationToken);
        for (int i = printed; i < history.Count; i++)
            output.WriteLine(ReportText.Event(history[i]));
        output.Flush();
        return Math.Max(printed, history.Count);
    }
}
